import { Option, Schema } from "effect"
import { KlineInterval, klineWindowOpen, nextKlineWindow, TimeZone } from "@blockchaincore/core/candle/KlineInterval"

/**
 * How long CloudFront (stacks/web.ts) may keep an API answer. Klines that all lie in windows long
 * closed (the window holding `endTime`, of the interval and time zone asked, included) only change by a rare revision (a late or backfilled trade), so they are kept an hour
 * and a revision shows within it; anything that can include the open window, or a list that grows
 * (anomalies, alerts, health), is kept 5 seconds, which still turns any number of identical
 * requests into one function call per 5 seconds. Failures are not kept.
 */
const CLOSED_MAX_AGE_SECONDS = 3600
const LIVE_MAX_AGE_SECONDS = 5
/** A window this far in the past has closed and been processed (the producer sends at least every 2 minutes). */
export const SETTLED_AFTER_MILLIS = 3 * 60_000

const decodeInterval = Schema.decodeUnknownOption(KlineInterval)
const decodeZone = Schema.decodeUnknownOption(TimeZone)

/** When the last window an answer can hold closes: the end of the window holding `endTime`; undefined without one. */
const answerEnd = (query: URLSearchParams): number | undefined => {
  const endTime = Number(query.get("endTime") ?? Number.NaN)
  const interval = decodeInterval(query.get("interval"))
  const zone = query.get("timeZone") === null ? 0 : Option.getOrUndefined(decodeZone(query.get("timeZone")))
  if (!Number.isSafeInteger(endTime) || interval._tag === "None" || zone === undefined) return undefined
  return nextKlineWindow(interval.value, zone, klineWindowOpen(interval.value, zone, endTime))
}

export const cacheControl = (status: number, path: string, query: URLSearchParams, now: number): string => {
  if (status !== 200) return "no-store"
  const end = path === "/api/v3/klines" ? answerEnd(query) : undefined
  const settled = end !== undefined && end < now - SETTLED_AFTER_MILLIS
  return `public, max-age=${settled ? CLOSED_MAX_AGE_SECONDS : LIVE_MAX_AGE_SECONDS}`
}
