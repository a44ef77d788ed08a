/**
 * A candle: Binance's twelve kline fields, plus what a consumer needs to trust it: the symbol and
 * interval, the trade ids it covers, and whether every trade id in its window has been seen.
 */
import { Schema } from "effect"
import { Units16, Units8 } from "../decimal/Decimal.ts"
import { EpochMillis, SymbolName, TradeId } from "../trade/Trade.ts"
import { Interval } from "./Interval.ts"

export const Candle = Schema.Struct({
  symbol: SymbolName,
  interval: Interval,
  openTime: EpochMillis,
  open: Units8,
  high: Units8,
  low: Units8,
  close: Units8,
  volume: Units8,
  closeTime: EpochMillis,
  quoteVolume: Units16,
  trades: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  takerBuyBaseVolume: Units8,
  takerBuyQuoteVolume: Units16,
  /** The twelfth kline column, which Binance documents as unused and always sends as "0". */
  ignore: Schema.Literal("0"),
  /** The lowest and highest trade id in the window; null for a window without trades. */
  firstTradeId: Schema.NullOr(TradeId),
  lastTradeId: Schema.NullOr(TradeId),
  /** False while trade ids that may fall in this window are missing (a gap not yet filled). */
  complete: Schema.Boolean,
  /** Set when the candle is Binance's own kline rather than made from trades here (a warm start's history). */
  source: Schema.optionalKey(Schema.Literal("exchange"))
})
export interface Candle extends Schema.Schema.Type<typeof Candle> {}
