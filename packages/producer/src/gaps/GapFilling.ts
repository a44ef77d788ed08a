/**
 * The gap-filling stage: gaps found by the sequencer or the completeness watermark are taken one
 * at a time, announced (`DataGapDetected`), filled from REST into the batcher, and announced
 * again (`DataGapFilled`, or why it could not be). The producer is the only source of these
 * events (see core's `gaps/Gap.ts`).
 */
import { Clock, Effect, Queue } from "effect"
import { dataGapDetected, dataGapFilled } from "@blockchaincore/core/events/DomainEvent"
import type { Gap } from "@blockchaincore/core/gaps/Gap"
import type { Trade } from "@blockchaincore/core/trade/Trade"
import type { BinanceRest } from "@blockchaincore/adapters/binance/BinanceRest"
import type { ProducerMetrics } from "../metrics/ProducerMetrics.ts"
import type { Announce } from "../publish/Announcer.ts"
import { fillGap } from "./GapFiller.ts"

interface GapFillingDeps {
  readonly gaps: Queue.Queue<Gap>
  readonly rest: BinanceRest
  readonly announce: Announce
  /** Where the filled trades go: the batcher, like the stream's. */
  readonly deliver: (trade: Trade, now: number) => void
  readonly metrics: ProducerMetrics
}

/** Fills the next gap; repeated forever by the producer. */
export const fillNextGap = Effect.fn("fillNextGap")(function*({ gaps, rest, announce, deliver, metrics }: GapFillingDeps) {
  const gap = yield* Queue.take(gaps)
  yield* announce([dataGapDetected(gap)])
  const size = gap.toId - gap.fromId + 1
  yield* Effect.logInfo(`backfill: ${gap.symbol} trades ${gap.fromId}..${gap.toId} (${size}) from REST; ${Queue.sizeUnsafe(gaps)} more gaps waiting`)
  const started = yield* Clock.currentTimeMillis
  const fill = yield* fillGap(rest, gap)
  const now = yield* Clock.currentTimeMillis
  yield* Effect.logInfo(`backfill: ${gap.symbol} ${fill.outcome === "filled" ? "filled" : `could not be filled (${fill.reason})`}: ${fill.trades.length} of ${size} trades in ${now - started} ms`)
  for (const trade of fill.trades) deliver(trade, now)
  metrics.counters.tradesBackfilled += fill.trades.length
  if (fill.outcome === "filled") metrics.counters.gapsFilled++
  else metrics.counters.gapsUnfillable++
  yield* announce([fill.outcome === "filled" ? dataGapFilled(gap, "filled") : dataGapFilled(gap, "unfillable", fill.reason)])
})
