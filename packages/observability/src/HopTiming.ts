/**
 * The hops timed on both runtimes: every batch updates the per-hop histogram (`/metrics`) and the
 * rolling 15-minute p50/p99 (the dashboard's Latency panel, the bench); a batch whose trace is
 * sampled also leaves one span per hop.
 */
import { Clock, Context, Duration, Effect, Exit, Metric, Option, Tracer } from "effect"
import type { HopLatency } from "@blockchaincore/core/health/PipelineHealth"
import { type Hop, HOP_NAMES } from "@blockchaincore/core/tracing/Hops"
import { currentTraceparent, parentOf, type TraceParent } from "@blockchaincore/core/tracing/TraceParent"

const hopSeconds = Metric.histogram("blockchaincore_hop_seconds", {
  description: "Time a batch spends in each hop, from the exchange to each consumer",
  boundaries: Metric.exponentialBoundaries({ start: 0.000_5, factor: 2, count: 16 })
})

/** Over the dashboard's window, 15 minutes. */
const hopQuantiles = Metric.summary("blockchaincore_hop_latency_seconds", {
  description: "p50 and p99 of each hop over the last 15 minutes",
  maxAge: Duration.minutes(15),
  maxSize: 10_000,
  quantiles: [0.5, 0.99]
})

/** A hop's metrics, with the consumer's name on the consumer's hop. */
const hopMetrics = (hop: Hop, consumer: string | undefined) => {
  const attributes: Record<string, string> = consumer === undefined ? { hop } : { hop, consumer }
  return [Metric.withAttributes(hopSeconds, attributes), Metric.withAttributes(hopQuantiles, attributes)] as const
}
const byHop = new Map(HOP_NAMES.map((hop) => [hop, hopMetrics(hop, undefined)]))
const byConsumer = new Map<string, ReturnType<typeof hopMetrics>>()
const consumerMetrics = (consumer: string) => {
  const known = byConsumer.get(consumer)
  if (known !== undefined) return known
  const made = hopMetrics("consume", consumer)
  byConsumer.set(consumer, made)
  return made
}

const metricsOf = (hop: Hop, consumer: string | undefined) => (consumer === undefined ? byHop.get(hop)! : consumerMetrics(consumer))

export const observeHop = (hop: Hop, millis: number, consumer?: string): Effect.Effect<void> => {
  const [histogram, quantiles] = metricsOf(hop, consumer)
  const seconds = Math.max(0, millis) / 1_000
  return Effect.andThen(Metric.update(histogram, seconds), Metric.update(quantiles, seconds))
}

const millisOf = (seconds: number | undefined) => (seconds === undefined || !Number.isFinite(seconds) ? null : Math.round(seconds * 10_000) / 10)

/** Every hop's p50 and p99 over the window, the consumers' hop once per consumer named. */
export const hopLatencies = (consumers: ReadonlyArray<string>): Effect.Effect<Array<HopLatency>> =>
  Effect.forEach(
    HOP_NAMES.flatMap((hop): Array<{ hop: Hop; consumer?: string }> => (hop === "consume" ? consumers.map((consumer) => ({ hop, consumer })) : [{ hop }])),
    (key) =>
      Effect.map(
        Metric.value(metricsOf(key.hop, key.consumer)[1]),
        (state): HopLatency => ({
          ...key,
          p50Millis: millisOf(state.quantiles.find(([q]) => q === 0.5)?.[1]),
          p99Millis: millisOf(state.quantiles.find(([q]) => q === 0.99)?.[1]),
          count: state.count
        })
      )
  )

const nanos = (millis: number) => BigInt(Math.round(millis * 1_000)) * 1_000n

/**
 * A hop that has already happened (its times known, not run here: a wait in the queue, the
 * exchange's delay): observed and, under a sampled parent, left as a span.
 */
export const pastHop = (hop: Hop, startMillis: number, endMillis: number, parent: TraceParent | Tracer.AnySpan | undefined) =>
  Effect.andThen(observeHop(hop, endMillis - startMillis), pastSpan(hop, startMillis, endMillis, parent))

/** Only the span of a hop that has already happened, under a sampled parent; nothing without one. */
export const pastSpan = (hop: Hop, startMillis: number, endMillis: number, parent: TraceParent | Tracer.AnySpan | undefined) =>
  parent === undefined
    ? Effect.void
    : Effect.map(openSpan(hop, startMillis, typeof parent === "string" ? parentOf(parent) : parent), (span) => endSpan(span, endMillis))

/** A span begun at `startMillis` (in the past) and ended by the caller: a batch's root, for one. */
export const openSpan = (name: string, startMillis: number, parent: Tracer.AnySpan | undefined) =>
  Effect.map(Effect.tracer, (tracer) =>
    tracer.span({
      name,
      parent: Option.fromUndefinedOr(parent),
      annotations: Context.empty(),
      links: [],
      startTime: nanos(startMillis),
      kind: "internal",
      root: parent === undefined,
      sampled: parent?.sampled ?? true
    })
  )

export const endSpan = (span: Tracer.Span, endMillis: number) => span.end(nanos(endMillis), Exit.void)

const elapsedMillis = (since: bigint) => Effect.map(Clock.currentTimeNanos, (now) => Number(now - since) / 1_000_000)

/**
 * The parent of a hop whose batch is not sampled, while a tracing backend is installed: the
 * spans made inside it (a store's call) are then not sampled either, instead of each starting a
 * trace of its own.
 */
const UNSAMPLED = Tracer.externalSpan({ traceId: "0".repeat(32), spanId: "0".repeat(16), sampled: false })

/**
 * Runs a hop and observes its time; under a carried context, in a span of its own that is a
 * child of it, so the spans the hop makes (a store's call, an event's publish) are its children.
 */
export const timedHop = <A, E, R>(
  hop: Hop,
  parent: TraceParent | undefined,
  self: Effect.Effect<A, E, R>,
  options: { readonly consumer?: string } = {}
): Effect.Effect<A, E, R> =>
  Effect.flatMap(Effect.zip(Clock.currentTimeNanos, Effect.tracer), ([started, tracer]) => {
    const traced =
      tracer === Tracer.nativeTracer
        ? self
        : parent === undefined
          ? Effect.withParentSpan(self, UNSAMPLED)
          : Effect.withSpan(self, options.consumer === undefined ? hop : `${hop} ${options.consumer}`, { parent: parentOf(parent) })
    return Effect.ensuring(
      traced,
      Effect.flatMap(elapsedMillis(started), (millis) => observeHop(hop, millis, options.consumer))
    )
  })

/** Runs a hop inside the current one (the events' publish inside processing): observed, and a child span when the current span is carried. */
export const childHop = <A, E, R>(hop: Hop, self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.flatMap(Effect.zip(Clock.currentTimeNanos, currentTraceparent), ([started, carried]) =>
    Effect.ensuring(
      carried === undefined ? self : Effect.withSpan(self, hop),
      Effect.flatMap(elapsedMillis(started), (millis) => observeHop(hop, millis))
    )
  )
