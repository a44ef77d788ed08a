/**
 * What the pipe's enrichment step hands the processor: the batch without trades already applied,
 * the instruments of its symbols, and its large trades (notional over the symbol's threshold).
 */
import { Schema } from "effect"
import { Instrument } from "./Instrument.ts"
import { Units16 } from "../decimal/Decimal.ts"
import { SymbolName, TradeId } from "./Trade.ts"
import { TradeBatch } from "./TradeBatch.ts"

export const LargeTrade = Schema.Struct({ symbol: SymbolName, id: TradeId, notional: Units16 })
export type LargeTrade = typeof LargeTrade.Type

export const EnrichedTradeBatch = Schema.Struct({
  batch: TradeBatch,
  instruments: Schema.Array(Instrument),
  largeTrades: Schema.Array(LargeTrade),
  /** Trades dropped because the processor had already applied them. */
  dropped: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
})
export type EnrichedTradeBatch = typeof EnrichedTradeBatch.Type
