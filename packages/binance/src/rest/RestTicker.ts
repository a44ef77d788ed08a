/**
 * REST `GET /api/v3/ticker/24hr?symbols=[…]&type=MINI` (core/BINANCE.md, "Proving completeness"):
 * the one cheap question that tells, for many symbols at once, the last trade id the exchange has,
 * and `closeTime`, the time its statistics run to: the ticker is a cache, so the answer proves
 * nothing past that time. Other fields are not read. `lastId` is -1 for a symbol with no trade in 24 h.
 */
import { Schema } from "effect"
import { EpochMillis, SymbolName } from "@blockchaincore/core/trade/Trade"

const TickerLastId = Schema.Struct({
  symbol: SymbolName,
  lastId: Schema.Int.check(Schema.isGreaterThanOrEqualTo(-1)),
  closeTime: EpochMillis
})
export type TickerLastId = typeof TickerLastId.Type

export const TickerLastIdsFromJson = Schema.fromJsonString(Schema.Array(TickerLastId))

/**
 * Binance's request weight of the 24 h ticker for `symbols` symbols in one request: 2 up to 20,
 * 40 up to 100, 80 beyond (the table in Binance's REST docs, checked against `rateLimits`).
 */
export const tickerWeight = (symbols: number): number => (symbols <= 20 ? 2 : symbols <= 100 ? 40 : 80)

/**
 * Above this many symbols a request names none and is answered for every symbol: the weight is
 * the same (80), and a list of 2,000 names would pass the 8 KB that URLs are commonly held to.
 */
export const LIST_SYMBOLS_UP_TO = 100
