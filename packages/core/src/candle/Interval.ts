/**
 * Kline intervals and their windows. Windows are aligned to the Unix epoch in UTC, as Binance's
 * are: every interval here divides a day, and days start at multiples of 86,400,000 ms.
 */
import { Schema } from "effect"

export const INTERVALS = ["1m", "5m", "15m", "1h", "4h", "1d"] as const

export const Interval = Schema.Literals(INTERVALS)
export type Interval = typeof Interval.Type

import { MINUTE_MILLIS as MINUTE } from "../time/UtcTime.ts"

export const intervalMillis: Readonly<Record<Interval, number>> = {
  "1m": MINUTE,
  "5m": 5 * MINUTE,
  "15m": 15 * MINUTE,
  "1h": 60 * MINUTE,
  "4h": 240 * MINUTE,
  "1d": 1440 * MINUTE
}

/** The open time of the window of `interval` that holds `time`. */
export const windowOpen = (interval: Interval, time: number): number => time - (time % intervalMillis[interval])

/** A kline's close time: the last millisecond of its window. */
export const windowClose = (interval: Interval, openTime: number): number => openTime + intervalMillis[interval] - 1
