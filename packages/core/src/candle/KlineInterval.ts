/**
 * Every kline interval Binance serves, its windows, and the `timeZone` they may be asked in.
 *
 * Six intervals are stored (Interval.ts): the engine makes them, the anomaly rules judge them and
 * the bus carries them. The others are built on request from the longest stored interval whose
 * windows tile theirs, so they cost nothing until asked for and are exactly the sum of stored,
 * exact windows. 1s is not among them: a second is finer than any stored window.
 *
 * Binance's boundaries: windows of a fixed length are counted from the Unix epoch (3d included),
 * weeks begin on Monday 00:00 and months on the 1st, all in the asked time zone; `startTime` and
 * `endTime` stay UTC.
 */
import { Effect, Schema, SchemaGetter, SchemaIssue } from "effect"
import { type Interval, INTERVALS, intervalMillis } from "./Interval.ts"
import { DAY_MILLIS as DAY, HOUR_MILLIS as HOUR, MINUTE_MILLIS as MINUTE, SECOND_MILLIS as SECOND } from "../time/UtcTime.ts"

export const KLINE_INTERVALS = ["1s", "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w", "1M"] as const
export const KlineInterval = Schema.Literals(KLINE_INTERVALS)
export type KlineInterval = typeof KlineInterval.Type

/** Window lengths of the intervals that have one; weeks and months are calendar windows. */
const FIXED: Readonly<Record<Exclude<KlineInterval, "1w" | "1M">, number>> = {
  "1s": SECOND,
  "1m": MINUTE,
  "3m": 3 * MINUTE,
  "5m": 5 * MINUTE,
  "15m": 15 * MINUTE,
  "30m": 30 * MINUTE,
  "1h": HOUR,
  "2h": 2 * HOUR,
  "4h": 4 * HOUR,
  "6h": 6 * HOUR,
  "8h": 8 * HOUR,
  "12h": 12 * HOUR,
  "1d": DAY,
  "3d": 3 * DAY
}

/** 1970-01-05, the first Monday after the epoch: weeks are counted from it. */
const FIRST_MONDAY = 4 * DAY
const WEEK = 7 * DAY

/**
 * Binance's `timeZone`: hours (`8`, `-1`) or hours and minutes (`05:45`, `-1:00`), from -12:00 to
 * +14:00; decoded to its offset from UTC in milliseconds.
 */
export const TimeZone = Schema.String.pipe(
  Schema.decodeTo(Schema.Number, {
    decode: SchemaGetter.transformEffect<number, string>((text) => {
      const m = /^([+-]?)(\d{1,2})(?::(\d{2}))?$/.exec(text.trim())
      const invalid = Effect.fail(
        new SchemaIssue.InvalidValue(
          { message: `timeZone must be hours (8, -1) or hours and minutes (05:45, -1:00) from -12:00 to +14:00, not ${JSON.stringify(text)}` },
          text
        )
      )
      if (m === null) return invalid
      const minutes = Number(m[3] ?? "0")
      const offset = (m[1] === "-" ? -1 : 1) * (Number(m[2]) * HOUR + minutes * MINUTE)
      return minutes >= 60 || offset < -12 * HOUR || offset > 14 * HOUR ? invalid : Effect.succeed(offset)
    }),
    encode: SchemaGetter.transform((offset: number) => {
      const sign = offset < 0 ? "-" : ""
      const abs = Math.abs(offset)
      return `${sign}${String(Math.floor(abs / HOUR)).padStart(2, "0")}:${String((abs % HOUR) / MINUTE).padStart(2, "0")}`
    })
  })
)

const floorTo = (time: number, length: number, origin: number) => time - ((((time - origin) % length) + length) % length)

/** The open time (UTC) of the window of `interval`, in the time zone `offset` ms from UTC, holding `time`. */
export const klineWindowOpen = (interval: KlineInterval, offset: number, time: number): number => {
  const local = time + offset
  if (interval === "1M") {
    const d = new Date(local)
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) - offset
  }
  return floorTo(local, interval === "1w" ? WEEK : FIXED[interval], interval === "1w" ? FIRST_MONDAY : 0) - offset
}

/** The open time of the window after the one opening at `openTime`. */
export const nextKlineWindow = (interval: KlineInterval, offset: number, openTime: number): number => {
  if (interval !== "1M") return openTime + (interval === "1w" ? WEEK : FIXED[interval])
  const d = new Date(openTime + offset)
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - offset
}

/** The longest a window of `interval` can be: a month's 31 days. */
export const longestWindow = (interval: KlineInterval): number => (interval === "1M" ? 31 * DAY : interval === "1w" ? WEEK : FIXED[interval])

/**
 * What a window of `interval` in the time zone `offset` is read from: a stored interval whose
 * windows tile it exactly (the longest, for the fewest rows), and whether that is the interval
 * itself. None for 1s, which no stored window tiles.
 */
export const storedBasis = (interval: KlineInterval, offset: number): { readonly basis: Interval; readonly direct: boolean } | undefined => {
  if (interval === "1s") return undefined
  const length = interval === "1M" || interval === "1w" ? DAY : FIXED[interval]
  const aligned = (stored: Interval) => length % intervalMillis[stored] === 0 && offset % intervalMillis[stored] === 0
  const basis = [...INTERVALS].reverse().find(aligned)
  if (basis === undefined) return undefined
  return { basis, direct: basis === interval }
}
