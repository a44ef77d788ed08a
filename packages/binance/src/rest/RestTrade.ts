/**
 * REST `GET /api/v3/historicalTrades` (core/BINANCE.md): the way to fetch trade ids a stream
 * missed. Rows: `{"id","price","qty","quoteQty","time","isBuyerMaker","isBestMatch"}`.
 */
import { Schema } from "effect"
import { Units8 } from "@blockchaincore/core/decimal/Decimal"
import { EpochMillis, TradeId, type Trade } from "@blockchaincore/core/trade/Trade"

export const RestTrade = Schema.Struct({
  id: TradeId,
  price: Units8,
  qty: Units8,
  quoteQty: Schema.optionalKey(Schema.String),
  time: EpochMillis,
  isBuyerMaker: Schema.Boolean,
  isBestMatch: Schema.optionalKey(Schema.Boolean)
})
export type RestTrade = typeof RestTrade.Type

export const HistoricalTradesFromJson = Schema.fromJsonString(Schema.Array(RestTrade))

export const tradeOfRest = (symbol: string, t: RestTrade): Trade => ({
  symbol,
  firstId: t.id,
  lastId: t.id,
  price: t.price,
  qty: t.qty,
  time: t.time,
  buyerIsMaker: t.isBuyerMaker
})
