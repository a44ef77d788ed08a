/**
 * Where a batch's trace begins. When batches are taken to be published, each gets its root span,
 * begun at the exchange time of the trade that opened it, with the exchange and batching hops as children;
 * a sampled batch carries the root's context (`traceparent`) to the queue and on from there. The
 * root ends when the publish does, with the publish hop. Every batch with trades is observed in
 * the hops' metrics, traced or not.
 */
import { Clock, Effect, Tracer } from "effect"
import { endSpan, observeHop, openSpan, pastSpan } from "@blockchaincore/observability/HopTiming"
import { traceparentOf } from "@blockchaincore/core/tracing/TraceParent"
import type { TradeBatch } from "@blockchaincore/core/trade/TradeBatch"
import type { BatchOpening, Batcher } from "../batching/Batcher.ts"

interface BatchTrace {
  readonly batch: TradeBatch
  /** Whether the batch had trades (a heartbeat has none, and is not observed). */
  readonly observed: boolean
  readonly root: Tracer.Span | undefined
}

/**
 * `recorded`: the trades' times are a recording's (a replay), so the delay from the exchange is
 * not measured and the root begins when the first trade arrived; so too when the delay is not
 * plausible.
 */
const beginTrace = (batch: TradeBatch, opening: BatchOpening | undefined, now: number, recorded: boolean, tracing: boolean) =>
  Effect.gen(function* () {
    const untraced = (observed: boolean): BatchTrace => ({ batch, observed, root: undefined })
    if (opening === undefined) return untraced(false)
    const delay = opening.at - opening.tradeTime
    // A delay past these bounds is not the network's: a recording's times, or a clock far off.
    const fromExchange = !recorded && delay > -60_000 && delay < 3_600_000
    if (fromExchange) yield* observeHop("exchange", delay)
    yield* observeHop("batching", now - opening.at)
    if (!tracing) return untraced(true)
    const start = fromExchange ? Math.min(opening.tradeTime, opening.at) : opening.at
    const root = yield* openSpan("batch", start, undefined)
    if (!root.sampled) {
      endSpan(root, now)
      return untraced(true)
    }
    // Described only once kept: most batches are not, at a low sample rate.
    root.attribute("batch.shard", batch.shard)
    root.attribute("batch.epoch", batch.epoch)
    root.attribute(
      "batch.trades",
      batch.symbols.reduce((n, part) => n + part.trades.length, 0)
    )
    root.attribute("batch.symbols", batch.symbols.map((part) => part.symbol).join(","))
    root.attribute("exchange.time", new Date(opening.tradeTime).toISOString())
    if (fromExchange) yield* pastSpan("exchange", start, opening.at, root)
    yield* pastSpan("batching", opening.at, now, root)
    const traced: BatchTrace = { batch: { ...batch, traceparent: traceparentOf(root) }, observed: true, root }
    return traced
  })

/** Publishes `batches` as `publish` does, each in its trace. */
export const publishTraced = <E, R>(
  batcher: Batcher,
  batches: ReadonlyArray<TradeBatch>,
  recorded: boolean,
  publish: (batches: ReadonlyArray<TradeBatch>) => Effect.Effect<void, E, R>
) =>
  Effect.gen(function* () {
    if (batches.length === 0) return yield* publish(batches)
    const tracing = (yield* Effect.tracer) !== Tracer.nativeTracer
    const taken = yield* Clock.currentTimeMillis
    const traces = yield* Effect.forEach(batches, (batch) => beginTrace(batch, batcher.openingOf(batch), taken, recorded, tracing))
    return yield* publish(traces.map((t) => t.batch)).pipe(
      Effect.ensuring(
        Effect.gen(function* () {
          const published = yield* Clock.currentTimeMillis
          for (const { observed, root } of traces) {
            if (observed) yield* observeHop("publish", published - taken)
            if (root === undefined) continue
            yield* pastSpan("publish", taken, published, root)
            endSpan(root, published)
          }
        })
      )
    )
  })
