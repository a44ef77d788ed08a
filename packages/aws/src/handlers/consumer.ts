/**
 * The function behind every bus subscription: `CONSUMER` (set per subscription by
 * stacks/events.ts) names the registry entry; its handler runs with the AWS layers of what it
 * needs. An event that does not decode is logged and counted, not retried (it never will decode);
 * a failure to handle it throws, so Lambda retries the event and, after its retries, keeps it in
 * the subscription's failure destination.
 */
import { Effect, Layer, ManagedRuntime, Schema } from "effect"
import { DomainEvent, EVENT_SOURCE } from "@blockchaincore/core/events/DomainEvent"
import { Alerter } from "@blockchaincore/services/alert/Alerter"
import { AnomalyDetector } from "@blockchaincore/services/anomaly/AnomalyDetector"
import { Archiver } from "@blockchaincore/services/archival/Archiver"
import type { Consumer } from "@blockchaincore/services/consumers/Consumer"
import { alertConsumer, anomalyConsumer, archivalConsumer, historyConsumer, webhookConsumer } from "@blockchaincore/services/consumers/consumers"
import { oneLine } from "../pipe/PipePayload.ts"
import { alertConditionsLayer, candleStoreLayer, eventBusLayer, eventHistoryLayer, snsNotifierLayer, tradeArchiveLayer, webhookNotifierLayer } from "../runtime/AwsLayers.ts"
import { reportMalformed } from "../runtime/MalformedInput.ts"

/** An EventBridge event as a rule hands it to Lambda; other fields are ignored. */
export const BusEvent = Schema.Struct({
  id: Schema.String,
  source: Schema.Literal(EVENT_SOURCE),
  "detail-type": Schema.String,
  detail: DomainEvent
})

export type ConsumerOutcome = "handled" | "malformed"

const runner = <R, E>(consumer: Consumer<R>, layer: Layer.Layer<R, E>) => {
  const runtime = ManagedRuntime.make(layer)
  return (event: unknown): Promise<ConsumerOutcome> =>
    runtime.runPromise(
      Effect.gen(function*() {
        const decoded = Schema.decodeUnknownResult(BusEvent)(event)
        if (decoded._tag === "Failure") {
          yield* reportMalformed(`consumer ${consumer.name}`, `event is not a market event: ${oneLine(decoded.failure)}`)
          return "malformed" as const
        }
        yield* consumer.handle(decoded.success.detail).pipe(Effect.mapError((e) => new Error(`consumer ${consumer.name}: ${e._tag}: ${e.message}`)))
        return "handled" as const
      })
    )
}

/** The registry's entries with their AWS layers: a consumer added to the registry is added here. */
const RUNNERS = {
  anomaly: () => runner(anomalyConsumer, AnomalyDetector.layer().pipe(Layer.provide(Layer.mergeAll(candleStoreLayer, eventBusLayer)))),
  alert: () => runner(alertConsumer, Alerter.layer().pipe(Layer.provide(Layer.mergeAll(snsNotifierLayer, eventBusLayer, alertConditionsLayer)))),
  archival: () => runner(archivalConsumer, Archiver.layer.pipe(Layer.provide(Layer.mergeAll(candleStoreLayer, tradeArchiveLayer)))),
  history: () => runner(historyConsumer, eventHistoryLayer),
  webhook: () => runner(webhookConsumer, webhookNotifierLayer)
} as const

export const ConsumerName = Schema.Literals(["anomaly", "alert", "archival", "history", "webhook"])
export type ConsumerName = typeof ConsumerName.Type

/** The handler of one registry entry, as its function runs it. */
export const consumerHandler = (name: ConsumerName): ((event: unknown) => Promise<ConsumerOutcome>) => RUNNERS[name]()

let run: ((event: unknown) => Promise<ConsumerOutcome>) | undefined

export const handler = (event: unknown): Promise<ConsumerOutcome> => {
  if (run === undefined) {
    const name = Schema.decodeUnknownResult(ConsumerName)(process.env["CONSUMER"])
    if (name._tag === "Failure") return Promise.reject(new Error(`CONSUMER must name a registry entry: ${oneLine(name.failure)}`))
    run = consumerHandler(name.success)
  }
  return run(event)
}
