/**
 * The market bus at the SDK boundary: a loopback endpoint that takes the real SDK's PutEvents,
 * turns each entry into the event EventBridge would deliver, and routes it with the project's own
 * pattern matcher to every registry consumer whose rule matches, as an asynchronous Lambda
 * invocation would (up to two retries, then the failure destination). Deliveries wait until
 * `deliverAll`, which runs them, and what they publish in turn, until none is left.
 */
import { randomUUID } from "node:crypto"
import { Schema } from "effect"
import { matches } from "@blockchaincore/core/events/EventPattern"
import type { Consumer } from "@blockchaincore/services/consumers/ConsumerDeclaration"
import { json, startWireFake } from "@blockchaincore/testkit/wireFake"
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"

const PutEvents = Schema.fromJsonString(
  Schema.Struct({
    Entries: Schema.Array(Schema.Struct({ EventBusName: Schema.String, Source: Schema.String, DetailType: Schema.String, Detail: Schema.String }))
  })
)

export interface Delivery {
  readonly consumer: string
  readonly event: { readonly id: string; readonly "detail-type": string; readonly detail: unknown }
}

export const startBusRouter = async (registry: ReadonlyArray<Consumer>, handlers: Readonly<Record<string, (event: unknown) => Promise<unknown>>>) => {
  const pending: Array<Delivery> = []
  const delivered: Array<Delivery> = []
  const failed: Array<Delivery & { readonly error: string }> = []
  const published: Array<Delivery["event"]> = []
  const wire = await startWireFake((request) => {
    const entries = Schema.decodeUnknownSync(PutEvents)(request.body).Entries
    for (const entry of entries) {
      const event = {
        version: "0",
        id: randomUUID(),
        "detail-type": entry.DetailType,
        source: entry.Source,
        account: "123456789012",
        time: new Date().toISOString(),
        region: "ap-northeast-1",
        resources: [],
        detail: JSON.parse(entry.Detail)
      }
      published.push(event)
      for (const consumer of registry) if (matches(consumer.pattern, event)) pending.push({ consumer: consumer.name, event })
    }
    return json({ FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: randomUUID() })) })
  })
  const deliverAll = async (maxDeliveries = 100_000) => {
    for (let n = 0; n < maxDeliveries; n++) {
      const next = pending.shift()
      if (next === undefined) return
      const handler = handlers[next.consumer]
      if (handler === undefined) throw new Error(`no handler for consumer ${next.consumer}`)
      let error = ""
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          await handler(next.event)
          error = ""
          break
        } catch (e) {
          error = errorMessage(e)
        }
      }
      if (error === "") delivered.push(next)
      else failed.push({ ...next, error })
    }
    throw new Error(`more than ${maxDeliveries} deliveries: a consumer loop?`)
  }
  return { endpoint: wire.endpoint, published, delivered, failed, deliverAll, close: wire.close }
}
