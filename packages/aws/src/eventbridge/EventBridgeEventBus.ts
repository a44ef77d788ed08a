/**
 * The market bus on AWS: an EventBridge bus. Events go out with PutEvents, at most 10 entries and
 * 256 KB (as EventBridge sizes an entry) a request, in order. Entries EventBridge reports as failed
 * for a passing reason (throttling, an internal failure) are sent again, alone, with backoff; an
 * entry it can never take (malformed) fails the publish. Each event carries its deterministic id
 * in its detail, so consumers stay idempotent when a retry repeats one.
 */
import { type EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from "@aws-sdk/client-eventbridge"
import { currentTraceparent, type TraceParent } from "@blockchaincore/core/tracing/TraceParent"
import { Effect, Layer } from "effect"
import type { DomainEvent } from "@blockchaincore/core/events/DomainEvent"
import { envelopeOf } from "@blockchaincore/core/events/EventEnvelope"
import { BusUnavailable, EventBus } from "@blockchaincore/core/ports/EventBus"
import { chunksOf } from "@blockchaincore/adapters/chunks/chunksOf"
import { type Outcome, type RetryOptions, sendUntilTaken } from "../retry/RetryFailed.ts"

interface EventBridgeEventBusOptions extends RetryOptions {
  readonly client: EventBridgeClient
  readonly busName: string
}

export const MAX_ENTRIES = 10
export const MAX_REQUEST_BYTES = 256 * 1024
const RETRYABLE = new Set(["InternalFailure", "InternalException", "ThrottlingException", "ServiceUnavailable"])

/** An entry's size as EventBridge counts it against the request's 256 KB. */
export const entrySize = (e: PutEventsRequestEntry) =>
  Buffer.byteLength(e.Source ?? "") + Buffer.byteLength(e.DetailType ?? "") + Buffer.byteLength(e.Detail ?? "") + (e.Time === undefined ? 0 : 14)

/**
 * An event's entry; with a trace context, the context rides in its detail (`traceparent`), since
 * an entry has no attributes of its own and EventBridge hands a target only the event.
 */
export const entryOf =
  (busName: string, traceparent?: TraceParent) =>
  (event: DomainEvent): PutEventsRequestEntry => {
    const envelope = envelopeOf(event)
    const detail =
      traceparent !== undefined && typeof envelope.detail === "object" && envelope.detail !== null ? { ...envelope.detail, traceparent } : envelope.detail
    return { EventBusName: busName, Source: envelope.source, DetailType: envelope["detail-type"], Detail: JSON.stringify(detail) }
  }

/** Entries in request-sized groups, order kept. */
const putEventsRequestsOf = (entries: ReadonlyArray<PutEventsRequestEntry>): Array<Array<PutEventsRequestEntry>> => {
  for (const entry of entries) {
    const size = entrySize(entry)
    if (size > MAX_REQUEST_BYTES) throw new Error(`an event of ${size} bytes is over EventBridge's 256 KB`)
  }
  return chunksOf(entries, { count: MAX_ENTRIES, bytes: MAX_REQUEST_BYTES, sizeOf: entrySize })
}

const putAll = (options: EventBridgeEventBusOptions, entries: ReadonlyArray<PutEventsRequestEntry>) =>
  sendUntilTaken(
    options,
    entries,
    async (pending): Promise<Outcome<PutEventsRequestEntry>> => {
      const result = await options.client.send(new PutEventsCommand({ Entries: [...pending] }))
      if ((result.FailedEntryCount ?? 0) === 0) return { _tag: "Done" }
      // PutEvents answers entry by entry in request order; a failed one has an ErrorCode.
      const outcomes = result.Entries ?? []
      const failed = pending.flatMap((entry, i) =>
        outcomes[i]?.ErrorCode === undefined ? [] : [{ entry, code: outcomes[i]?.ErrorCode ?? "", message: outcomes[i]?.ErrorMessage ?? "" }]
      )
      const permanent = failed.find((f) => !RETRYABLE.has(f.code))
      if (permanent !== undefined)
        return { _tag: "Refused", reason: `EventBridge refused a ${permanent.entry.DetailType} event: ${permanent.code} ${permanent.message}` }
      return { _tag: "Retry", failed: failed.map((f) => f.entry), reason: `${failed.length} entries failed (${failed[0]?.code ?? "?"})` }
    },
    (reason) => new BusUnavailable({ message: reason.startsWith("EventBridge") ? reason : `EventBridge: ${reason}` })
  )

export const makeEventBridgeEventBus = (options: EventBridgeEventBusOptions): EventBus["Service"] =>
  EventBus.of({
    publish: (events) =>
      Effect.flatMap(currentTraceparent, (traceparent) =>
        Effect.try({
          try: () => putEventsRequestsOf(events.map(entryOf(options.busName, traceparent))),
          catch: (e) => new BusUnavailable({ message: String(e) })
        })
      ).pipe(Effect.flatMap((requests) => Effect.forEach(requests, (entries) => putAll(options, entries), { discard: true })))
  })

export const layerEventBridgeEventBus = (options: EventBridgeEventBusOptions): Layer.Layer<EventBus> =>
  Layer.succeed(EventBus, makeEventBridgeEventBus(options))
