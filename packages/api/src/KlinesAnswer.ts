/**
 * `/api/v3/klines` for every interval Binance serves but 1s: a stored interval in UTC is read as
 * stored; any other (3m, 30m, 2h, 6h, 8h, 12h, 3d, 1w, 1M, or a stored one in a `timeZone` that
 * moves its windows) is built from the stored windows that tile it (core's KlineInterval.ts and
 * BuiltKlines.ts), and from the closed minutes of the tiling window still open.
 */
import { Effect } from "effect"
import { buildKlines } from "@blockchaincore/core/candle/BuiltKlines"
import { intervalMillis } from "@blockchaincore/core/candle/Interval"
import { type KlineInterval, klineWindowOpen, longestWindow, nextKlineWindow, storedBasis } from "@blockchaincore/core/candle/KlineInterval"
import { klineRow, type KlineRow } from "@blockchaincore/core/candle/KlineCsv"
import type { CandleStore } from "@blockchaincore/core/ports/CandleStore"
import type { StoreUnavailable } from "@blockchaincore/core/ports/StoreErrors"
import type { BadRequest } from "./BinanceError.ts"

export interface KlinesQuery {
  readonly symbol: string
  readonly interval: KlineInterval
  readonly startTime?: number
  readonly endTime?: number
  /** Milliseconds from UTC. */
  readonly timeZone?: number
  readonly limit?: number
}

/**
 * At most this many stored windows are read for one answer: a month in a time zone off the hour
 * is 2,976 windows of 15m, so such an answer holds fewer than `limit` months, and a client pages
 * on by `startTime` as it does at any limit.
 */
const MOST_STORED_WINDOWS = 20_000

const range = (startTime: number | undefined, endTime: number | undefined) => ({
  ...(startTime === undefined ? {} : { startTime }),
  ...(endTime === undefined ? {} : { endTime })
})

export const klinesAnswer = (store: CandleStore["Service"], q: KlinesQuery): Effect.Effect<ReadonlyArray<KlineRow>, StoreUnavailable | BadRequest> => {
  const offset = q.timeZone ?? 0
  const limit = q.limit ?? 500
  const how = storedBasis(q.interval, offset)
  if (how === undefined) {
    return Effect.fail({ code: -1120, msg: "Invalid interval. 1s klines are not served here: the finest window stored is 1m (see docs/api.md)." })
  }
  const { basis, direct } = how
  if (direct) {
    return store.candles({ symbol: q.symbol, interval: basis, limit, ...range(q.startTime, q.endTime) }).pipe(Effect.map((candles) => candles.map(klineRow)))
  }
  const perWindow = Math.ceil(longestWindow(q.interval) / intervalMillis[basis])
  const windows = Math.max(1, Math.min(limit, Math.floor(MOST_STORED_WINDOWS / perWindow) - 1))
  // Whole windows: from the first opening at or after startTime, to the end of the one holding endTime.
  const firstOpen = q.startTime === undefined ? undefined : atOrAfter(q.interval, offset, q.startTime)
  const lastEnd = q.endTime === undefined ? undefined : nextKlineWindow(q.interval, offset, klineWindowOpen(q.interval, offset, q.endTime)) - 1
  if (firstOpen !== undefined && lastEnd !== undefined && firstOpen > lastEnd) return Effect.succeed([])
  const storedLimit = (windows + 1) * perWindow
  return Effect.gen(function* () {
    const stored = yield* store.candles({ symbol: q.symbol, interval: basis, limit: storedLimit, ...range(firstOpen, lastEnd) })
    const full = stored.length === storedLimit
    // The tiling interval's window still open is not stored yet, but its closed minutes are: the
    // most recent minutes up to the range's end, after the last stored window (two windows' worth,
    // for one closed a moment ago and not yet stored). A read that filled its limit ends before
    // the open window, and has no tail.
    const lastStored = stored.at(-1)
    const tailStart = lastStored !== undefined ? lastStored.closeTime + 1 : firstOpen
    const noTail = basis === "1m" || (full && firstOpen !== undefined) || (tailStart !== undefined && lastEnd !== undefined && tailStart > lastEnd)
    const recent = noTail
      ? []
      : yield* store.candles({ symbol: q.symbol, interval: "1m", limit: (2 * intervalMillis[basis]) / intervalMillis["1m"], ...range(undefined, lastEnd) })
    const tail = recent.filter((m) => tailStart === undefined || m.openTime >= tailStart)
    const built = buildKlines(q.interval, offset, [...stored, ...tail]).filter((k) => q.endTime === undefined || k.openTime <= q.endTime)
    if (firstOpen !== undefined) return built.slice(0, windows).map(klineRow)
    // The most recent: a read that filled its limit may have cut the earliest window short.
    return (full ? built.slice(1) : built).slice(-windows).map(klineRow)
  })
}

const atOrAfter = (interval: KlineInterval, offset: number, time: number) => {
  const open = klineWindowOpen(interval, offset, time)
  return open < time ? nextKlineWindow(interval, offset, open) : open
}
