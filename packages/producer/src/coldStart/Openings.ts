/**
 * The cold-start stage: a symbol streamed with nothing delivered before (a first deploy, a wiped
 * data directory, a symbol just added) starts mid-minute, and its first minute, hour and day
 * lack the trades made before the stream's first. This stage asks the exchange where they begin
 * and sends the engine an `Opening` (core's `candle/Opening.ts`):
 *
 * - the first trade id of the start's minute, from `aggTrades` asked by time. An empty answer is
 *   the exchange's trade database lagging the market (the minute holds at least the streamed
 *   trade): asked again with backoff, however long it takes;
 * - the exchange's 1m klines of the start's day before that minute, summed per longer window.
 *   They are asked only once `aggTrades` has shown a trade of the start's minute, so the database
 *   holds every minute before it (klines and trades come from the same database, Binance's docs
 *   say both may lag, never that one lags the other).
 *
 * The ids from the minute's first to the streamed one are then a gap like any other, filled from
 * REST by the gap filler, but not announced: nothing was lost.
 */
import { Clock, Effect, Queue } from "effect"
import { type Interval, intervalMillis, INTERVALS, windowOpen } from "@blockchaincore/core/candle/Interval"
import type { Candle } from "@blockchaincore/core/candle/Candle"
import type { Opening, OpeningSeed } from "@blockchaincore/core/candle/Opening"
import type { Gap } from "@blockchaincore/core/gaps/Gap"
import type { RetryPolicy } from "@blockchaincore/core/retry/RetrySchedule"
import type { BinanceRest, RestError } from "@blockchaincore/binance/rest/BinanceRest"
import { retryDelay } from "../gaps/GapFilling.ts"

const MINUTE = intervalMillis["1m"]
const KLINES_PER_PAGE = 1000

/** A symbol's first streamed trade, with nothing delivered before it. */
export interface FirstTrade {
  readonly symbol: string
  readonly id: number
  readonly time: number
  /** How often the exchange was asked already. */
  readonly attempts: number
}

/** What the exchange said, once its database reached the start's minute. */
export interface Opened {
  readonly opening: Opening
  /** The trades of the start's minute before the streamed one, to fill from REST. */
  readonly gap?: Gap
}

/** The exchange's trades and klines before `first`, or undefined while its database has not reached the start's minute. */
export const askOpening = Effect.fn("askOpening")(function* (rest: BinanceRest, first: FirstTrade): Effect.fn.Return<Opened | undefined, RestError> {
  const minuteOpen = windowOpen("1m", first.time)
  const [earliest] = yield* rest.aggTradesBetween(first.symbol, minuteOpen, first.time, 1)
  if (earliest === undefined) return undefined
  const firstId = Math.min(earliest.f, first.id)
  const klines = yield* minutesOfDayBefore(rest, first.symbol, minuteOpen)
  const opening: Opening = { beforeId: first.id, firstId, seeds: seedsOf(klines, minuteOpen) }
  if (firstId >= first.id) return { opening }
  return { opening, gap: { symbol: first.symbol, fromId: firstId, toId: first.id - 1, fromTime: earliest.T, toTime: first.time } }
})

/** The exchange's 1m klines of `minuteOpen`'s UTC day before it, oldest first (a halt's minutes have none). */
const minutesOfDayBefore = Effect.fn("minutesOfDayBefore")(function* (rest: BinanceRest, symbol: string, minuteOpen: number) {
  const klines: Array<Candle> = []
  let from = windowOpen("1d", minuteOpen)
  while (from < minuteOpen) {
    const page = yield* rest.klinesBetween(symbol, "1m", from, minuteOpen - 1)
    klines.push(...page.filter((k) => k.openTime >= from && k.openTime < minuteOpen))
    const last = page.at(-1)
    if (page.length < KLINES_PER_PAGE || last === undefined) break
    from = last.openTime + MINUTE
  }
  return klines
})

/** Per interval longer than 1m, the klines of the window holding `minuteOpen`, summed; none where the window starts at it. */
export const seedsOf = (klines: ReadonlyArray<Candle>, minuteOpen: number): Array<OpeningSeed> =>
  INTERVALS.filter((i): i is Exclude<Interval, "1m"> => i !== "1m").flatMap((interval) => {
    const openTime = windowOpen(interval, minuteOpen)
    const minutes = klines.filter((k) => k.openTime >= openTime && k.openTime < minuteOpen)
    return minutes.length === 0 ? [] : [sumOf(interval, openTime, minutes)]
  })

const sumOf = (interval: Interval, openTime: number, minutes: ReadonlyArray<Candle>): OpeningSeed => {
  const traded = minutes.filter((k) => k.trades > 0)
  const sum = (pick: (k: Candle) => bigint) => minutes.reduce((total, k) => total + pick(k), 0n)
  return {
    interval,
    openTime,
    minutes: minutes.length,
    trades: minutes.reduce((total, k) => total + k.trades, 0),
    open: traded[0]?.open ?? 0n,
    high: traded.reduce((high, k) => (k.high > high ? k.high : high), traded[0]?.high ?? 0n),
    low: traded.reduce((low, k) => (k.low < low ? k.low : low), traded[0]?.low ?? 0n),
    close: traded.at(-1)?.close ?? 0n,
    volume: sum((k) => k.volume),
    quoteVolume: sum((k) => k.quoteVolume),
    takerBuyBaseVolume: sum((k) => k.takerBuyBaseVolume),
    takerBuyQuoteVolume: sum((k) => k.takerBuyQuoteVolume)
  }
}

interface OpeningsDeps {
  readonly firsts: Queue.Queue<FirstTrade>
  readonly rest: BinanceRest
  readonly retry: RetryPolicy
  /** Hands the opening on: to the batcher, and its gap to the gap filler. */
  readonly opened: (symbol: string, opened: Opened, now: number) => Effect.Effect<void>
  /** Puts `first` back on the queue after `delayMillis`, without holding up the other symbols. */
  readonly retryLater: (first: FirstTrade, delayMillis: number) => Effect.Effect<void>
}

/** Asks the exchange for the next symbol's opening; repeated forever by the producer. */
export const openNextSymbol = Effect.fn("openNextSymbol")(function* ({ firsts, rest, retry, opened, retryLater }: OpeningsDeps) {
  const first = yield* Queue.take(firsts)
  const answer = yield* askOpening(rest, first).pipe(Effect.result)
  if (answer._tag === "Success" && answer.success !== undefined) {
    const { opening, gap } = answer.success
    yield* Effect.logInfo(
      `cold start: ${first.symbol}'s first minute begins at trade ${opening.firstId}${gap === undefined ? "" : `, ${gap.toId - gap.fromId + 1} trades before the stream's first to fill`}; ${opening.seeds.length} longer windows seeded from klines`
    )
    return yield* opened(first.symbol, answer.success, yield* Clock.currentTimeMillis)
  }
  const attempts = first.attempts + 1
  const delay = retryDelay(retry, attempts)
  const reason = answer._tag === "Failure" ? answer.failure.message : "the exchange's trade database has not reached the minute yet"
  yield* Effect.logInfo(`cold start: ${first.symbol}'s first minute not known yet (${reason}); asking again in ${Math.round(delay / 1000)} s`)
  yield* retryLater({ ...first, attempts }, delay)
})
