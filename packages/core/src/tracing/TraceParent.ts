/**
 * A batch's trace context between processes and services, in W3C's `traceparent` form: in the
 * local queue's rows, as an SQS message attribute, through the pipe's payload and in each bus
 * event. Only a sampled trace is carried: with tracing off, or a trace not sampled, nothing is.
 */
import { Effect, Option, Schema, Tracer } from "effect"

export const TraceParent = Schema.String.check(Schema.isPattern(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/))
export type TraceParent = typeof TraceParent.Type

export const traceparentOf = (span: Tracer.AnySpan): TraceParent => `00-${span.traceId}-${span.spanId}-01`

/** The span a carried context names, as the parent of the next hop's spans. */
export const parentOf = (traceparent: TraceParent): Tracer.ExternalSpan => {
  const [, traceId = "", spanId = ""] = traceparent.split("-")
  return Tracer.externalSpan({ traceId, spanId, sampled: true })
}

/** A context read from outside (a queue row, a message attribute, an event): kept if well formed, else dropped. */
export const traceparentFrom = (value: unknown): TraceParent | undefined => Option.getOrUndefined(Schema.decodeUnknownOption(TraceParent)(value))

/**
 * The context to carry from here: the current span's, when a tracing backend is installed and the
 * span is sampled; otherwise none, so that nothing is added to what is sent.
 */
export const currentTraceparent: Effect.Effect<TraceParent | undefined> = Effect.gen(function* () {
  if ((yield* Effect.tracer) === Tracer.nativeTracer) return undefined
  const span = yield* Effect.option(Effect.currentSpan)
  return Option.isSome(span) && span.value.sampled ? traceparentOf(span.value) : undefined
})
