/**
 * Time as the pipeline counts it: epoch milliseconds in UTC, the way Binance dates trades, klines
 * and its archive's files. The one place for its units and for "the UTC day of".
 */
export const SECOND_MILLIS = 1_000
export const MINUTE_MILLIS = 60 * SECOND_MILLIS
export const HOUR_MILLIS = 60 * MINUTE_MILLIS
export const DAY_MILLIS = 24 * HOUR_MILLIS

/** The UTC date of `millis`, as the archive's files and the Hive partitions name days: "2024-08-08". */
export const utcDayOf = (millis: number): string => new Date(millis).toISOString().slice(0, 10)

/** The first millisecond of the UTC day holding `millis`. */
export const utcDayStart = (millis: number): number => millis - (((millis % DAY_MILLIS) + DAY_MILLIS) % DAY_MILLIS)
