/**
 * The gap-filling stage: gaps found by the sequencer or the completeness watermark, or left open
 * by the last run, are taken one at a time, announced once (`DataGapDetected`), and filled from
 * REST into the batcher. What REST cannot give yet (its database lags the market, or it fails) is
 * asked for again with backoff, however long it takes; once every trade is in, the gap is
 * announced filled (`DataGapFilled`). A gap still open after `overdueAfterMillis` is said by name:
 * in the log, on `/health` and as a `DataGapOverdue` event, once. The producer is the only source
 * of these events (see core's `gaps/Gap.ts`).
 */
import { Clock, Effect, Queue } from "effect"
import { dataGapDetected, dataGapFilled, dataGapOverdue } from "@blockchaincore/core/events/DomainEvent"
import type { Gap } from "@blockchaincore/core/gaps/Gap"
import type { RetryPolicy } from "@blockchaincore/core/retry/RetrySchedule"
import type { Trade } from "@blockchaincore/core/trade/Trade"
import type { BinanceRest } from "@blockchaincore/binance/rest/BinanceRest"
import type { ProducerMetrics } from "../metrics/ProducerMetrics.ts"
import type { Announce } from "../publish/Announcer.ts"
import { fillGap } from "./GapFiller.ts"

export interface GapFillingOptions {
  /** The wait before asking REST again for what it could not give, doubling up to the cap. */
  readonly retry: RetryPolicy
  /** A gap still open this long after it was found is overdue: said by name, once. */
  readonly overdueAfterMillis: number
}

/** Again after 2 s, then up to every 5 minutes; overdue after 10 minutes. */
export const DEFAULT_GAP_FILLING: GapFillingOptions = { retry: { baseMillis: 2_000, capMillis: 300_000 }, overdueAfterMillis: 600_000 }

/** A gap waiting for its trades: what is still missing, when it was found, and how often REST was asked. */
export interface PendingGap {
  readonly gap: Gap
  readonly foundAt: number
  readonly attempts: number
  /**
   * Said on the bus (`DataGapDetected`, `DataGapFilled`): trades lost on the way. The trades
   * before a cold start's first streamed one are asked for the same way, but nothing was lost.
   */
  readonly announced: boolean
}

/** A gap just found: nothing asked yet. */
export const pendingGap = (gap: Gap, foundAt: number, announced = true): PendingGap => ({ gap, foundAt, attempts: 0, announced })

interface GapFillingDeps {
  readonly gaps: Queue.Queue<PendingGap>
  readonly rest: BinanceRest
  readonly announce: Announce
  /** Where the filled trades go: the batcher, like the stream's. */
  readonly deliver: (trade: Trade, now: number) => void
  readonly metrics: ProducerMetrics
  readonly options: GapFillingOptions
  /** Puts `pending` back on the queue after `delayMillis`, without holding up the other gaps. */
  readonly retryLater: (pending: PendingGap, delayMillis: number) => Effect.Effect<void>
  /** Told when a gap's every trade has been delivered. */
  readonly filled?: (gap: Gap, now: number) => void
}

/** The wait before the `attempts`-th renewed ask: exponential from the base, capped. */
export const retryDelay = (policy: RetryPolicy, attempts: number): number =>
  Math.min(policy.capMillis, policy.baseMillis * 2 ** Math.min(30, Math.max(0, attempts - 1)))

const keyOf = (gap: Gap) => `${gap.symbol}:${gap.toId}`

/** Fills what REST has of the next gap; repeated forever by the producer. */
export const fillNextGap = Effect.fn("fillNextGap")(function* ({ gaps, rest, announce, deliver, metrics, options, retryLater, filled }: GapFillingDeps) {
  const pending = yield* Queue.take(gaps)
  const { gap } = pending
  if (pending.attempts === 0) {
    if (pending.announced) yield* announce([dataGapDetected(gap)])
    metrics.counters.gapsWaiting.set(keyOf(gap), { gap, foundAt: pending.foundAt, overdue: false })
  }
  const size = gap.toId - gap.fromId + 1
  yield* Effect.logInfo(
    `backfill: ${gap.symbol} trades ${gap.fromId}..${gap.toId} (${size}) from REST${pending.attempts > 0 ? `, ask ${pending.attempts + 1}` : ""}; ${Queue.sizeUnsafe(gaps)} more gaps waiting`
  )
  const started = yield* Clock.currentTimeMillis
  const fill = yield* fillGap(rest, gap)
  const now = yield* Clock.currentTimeMillis
  for (const trade of fill.trades) deliver(trade, now)
  metrics.counters.tradesBackfilled += fill.trades.length
  // The gap as it was found, not the part asked for this time.
  const whole = metrics.counters.gapsWaiting.get(keyOf(gap))?.gap ?? gap
  if (fill.missing === undefined) {
    yield* Effect.logInfo(`backfill: ${gap.symbol} filled: ${fill.trades.length} trades in ${now - started} ms`)
    metrics.counters.gapsFilled++
    metrics.counters.gapsWaiting.delete(keyOf(gap))
    filled?.(whole, now)
    if (pending.announced) yield* announce([dataGapFilled(whole)])
    return
  }
  const still = fill.missing.gap
  const attempts = pending.attempts + 1
  const delay = retryDelay(options.retry, attempts)
  metrics.counters.gapRetries++
  yield* Effect.logInfo(
    `backfill: ${gap.symbol} ${fill.trades.length} of ${size} trades so far (${fill.missing.reason}); asking again for ${still.fromId}..${still.toId} in ${Math.round(delay / 1000)} s`
  )
  const waiting = metrics.counters.gapsWaiting.get(keyOf(gap))
  if (waiting !== undefined && !waiting.overdue && now - waiting.foundAt >= options.overdueAfterMillis) {
    metrics.counters.gapsWaiting.set(keyOf(gap), { ...waiting, overdue: true })
    yield* Effect.logWarning(
      `${gap.symbol}: trades ${still.fromId}..${still.toId} still missing after ${Math.round((now - waiting.foundAt) / 1000)} s (${fill.missing.reason}); their candles stay incomplete until REST has them`
    )
    yield* announce([dataGapOverdue({ ...still, openMillis: now - waiting.foundAt, attempts, reason: fill.missing.reason })])
  }
  yield* retryLater({ ...pending, gap: still, attempts }, delay)
})
