/**
 * A cold start: a symbol the pipeline has no state for starts mid-stream, so its first window may
 * lack the trades made before the first one streamed, and every longer window holding it lacks
 * the minutes before. Until the producer has asked the exchange, those windows are incomplete.
 * The `Opening` it sends then says where the exchange's trades of the first window begin (their
 * first id: the ids up to the first streamed one are a gap like any other, filled from REST) and,
 * for each longer interval, the exchange's own klines of the minutes before the start, summed.
 */
import { Schema } from "effect"
import { Units16, Units8 } from "../decimal/Decimal.ts"
import { EpochMillis, TradeId } from "../trade/Trade.ts"
import { Interval } from "./Interval.ts"

const Count = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

/** The exchange's 1m klines of one longer window before the start, summed. With no minute, the window begins at the start. */
export const OpeningSeed = Schema.Struct({
  interval: Interval,
  openTime: EpochMillis,
  /** The klines summed: minutes the exchange has (a halt has none). */
  minutes: Count,
  trades: Count,
  open: Units8,
  high: Units8,
  low: Units8,
  close: Units8,
  volume: Units8,
  quoteVolume: Units16,
  takerBuyBaseVolume: Units8,
  takerBuyQuoteVolume: Units16
})
export type OpeningSeed = typeof OpeningSeed.Type

export const Opening = Schema.Struct({
  /** The first streamed trade it answers for: an opening for another start is not this one's. */
  beforeId: TradeId,
  /** The exchange's first trade id of the minute the stream started in. */
  firstId: TradeId,
  seeds: Schema.Array(OpeningSeed)
})
export type Opening = typeof Opening.Type

/** Where the start is not known yet: the ids before `beforeId` of the window from `minuteOpen` to `time`. */
export interface UnknownStart {
  readonly beforeId: number
  readonly minuteOpen: number
  readonly time: number
}
