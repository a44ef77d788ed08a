/**
 * REST `GET /api/v3/ticker/24hr?symbols=[…]&type=MINI` (core/BINANCE.md, "Proving completeness"):
 * the one cheap question that tells, for many symbols at once, the last trade id the exchange has.
 * Other fields of the answer are not read. `lastId` is -1 for a symbol with no trade in 24 h.
 */
import { Schema } from "effect"
import { SymbolName } from "../trade/Trade.ts"

const TickerLastId = Schema.Struct({
  symbol: SymbolName,
  lastId: Schema.Int.check(Schema.isGreaterThanOrEqualTo(-1))
})

export const TickerLastIdsFromJson = Schema.fromJsonString(Schema.Array(TickerLastId))

/**
 * Binance's request weight of the 24 h ticker for `symbols` symbols in one request: 2 up to 20,
 * 40 up to 100, 80 beyond (the table in Binance's REST docs, checked against `rateLimits`).
 */
export const tickerWeight = (symbols: number): number => (symbols <= 20 ? 2 : symbols <= 100 ? 40 : 80)
