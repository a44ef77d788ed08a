/**
 * Where a batch's trace begins. When batches are taken to be published, each gets its root span,
 * begun at its first trade's exchange time, with the exchange and batching hops as children;
 * a sampled batch carries the root's context (`traceparent`) to the queue and on from there. The
 * root ends when the publish does, with the publish hop. Every batch with trades is observed in
 * the hops' metrics, traced or not.
 */
import { Clock, Effect, Tracer } from "effect"
import { endSpan, observeHop, openSpan, pastSpan } from "@blockchaincore/core/tracing/Hops"
import { traceparentOf } from "@blockchaincore/core/tracing/TraceParent"
import type { TradeBatch } from "@blockchaincore/core/trade/TradeBatch"
import type { Batcher } from "../batching/Batcher.ts"

interface BatchTrace {
  readonly batch: TradeBatch
  readonly root: Tracer.Span | undefined
}

/** The earliest exchange time among the batch's trades (each part's are in id order, so its first). */
const exchangeTimeOf = (batch: TradeBatch): number | undefined => {
  let earliest: number | undefined
  for (const part of batch.symbols) {
    const time = part.trades[0]?.[3]
    if (time !== undefined && (earliest === undefined || time < earliest)) earliest = time
  }
  return earliest
}

/**
 * `recorded`: the trades' times are a recording's (a replay), so the delay from the exchange is
 * not measured and the root begins when the first trade arrived; so too when the delay is not
 * plausible.
 */
const beginTrace = (batch: TradeBatch, openedAt: number | undefined, now: number, recorded: boolean, tracing: boolean) =>
  Effect.gen(function*() {
    const exchangeTime = exchangeTimeOf(batch)
    if (openedAt === undefined || exchangeTime === undefined) return { batch, root: undefined }
    // A delay past these bounds is not the network's: a recording's times, or a clock far off.
    const fromExchange = !recorded && openedAt - exchangeTime > -60_000 && openedAt - exchangeTime < 3_600_000
    if (fromExchange) yield* observeHop("exchange", openedAt - exchangeTime)
    yield* observeHop("batching", now - openedAt)
    if (!tracing) return { batch, root: undefined }
    const trades = batch.symbols.reduce((n, part) => n + part.trades.length, 0)
    const root = yield* openSpan("batch", fromExchange ? Math.min(exchangeTime, openedAt) : openedAt, undefined, {
      "batch.shard": batch.shard,
      "batch.epoch": batch.epoch,
      "batch.trades": trades,
      "batch.symbols": batch.symbols.map((part) => part.symbol).join(","),
      "exchange.time": new Date(exchangeTime).toISOString()
    })
    if (!root.sampled) {
      endSpan(root, now)
      return { batch, root: undefined }
    }
    if (fromExchange) yield* pastSpan("exchange", Math.min(exchangeTime, openedAt), openedAt, root)
    yield* pastSpan("batching", openedAt, now, root)
    return { batch: { ...batch, traceparent: traceparentOf(root) }, root }
  })

/** Publishes `batches` as `publish` does, each in its trace. */
export const publishTraced = <E, R>(batcher: Batcher, batches: ReadonlyArray<TradeBatch>, recorded: boolean, publish: (batches: ReadonlyArray<TradeBatch>) => Effect.Effect<void, E, R>) =>
  Effect.gen(function*() {
    if (batches.length === 0) return yield* publish(batches)
    const tracing = (yield* Effect.tracer) !== Tracer.nativeTracer
    const taken = yield* Clock.currentTimeMillis
    const traces: ReadonlyArray<BatchTrace> = yield* Effect.forEach(batches, (batch) => beginTrace(batch, batcher.openedAt(batch), taken, recorded, tracing))
    return yield* publish(traces.map((t) => t.batch)).pipe(Effect.ensuring(Effect.gen(function*() {
      const published = yield* Clock.currentTimeMillis
      for (const { root } of traces) {
        yield* observeHop("publish", published - taken)
        if (root === undefined) continue
        yield* pastSpan("publish", taken, published, root)
        endSpan(root, published)
      }
    })))
  })
