/** What enrichment adds per symbol: its base and quote asset, tick size and step size, from the exchange. */
import { Schema } from "effect"
import { Units8 } from "../decimal/Decimal.ts"
import { SymbolName } from "./Trade.ts"

export const Instrument = Schema.Struct({
  symbol: SymbolName,
  baseAsset: Schema.String,
  quoteAsset: Schema.String,
  tickSize: Units8,
  stepSize: Units8
})
export type Instrument = typeof Instrument.Type
