/**
 * REST `GET /api/v3/aggTrades` (weight 4): trades merged by taker order, each row naming the
 * first and last trade id it holds: `{"a","p","q","f","l","T","m","M"}`. Asked by time, its
 * first row says where the exchange's trades of a window begin.
 */
import { Schema } from "effect"
import { Units8 } from "@blockchaincore/core/decimal/Decimal"
import { EpochMillis, TradeId } from "@blockchaincore/core/trade/Trade"

export const RestAggTrade = Schema.Struct({
  a: TradeId,
  p: Units8,
  q: Units8,
  f: TradeId,
  l: TradeId,
  T: EpochMillis,
  m: Schema.Boolean,
  M: Schema.optionalKey(Schema.Boolean)
})
export type RestAggTrade = typeof RestAggTrade.Type

export const AggTradesFromJson = Schema.fromJsonString(Schema.Array(RestAggTrade))

export const AGG_TRADES_WEIGHT = 4
