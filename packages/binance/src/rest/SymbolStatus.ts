/**
 * REST `GET /api/v3/exchangeInfo?symbols=[…]` read for one thing: each symbol's trading status
 * (core/BINANCE.md, "Kline semantics"). During a halt or maintenance the status is not `TRADING`
 * (e.g. `BREAK`) and Binance makes no klines, so neither do we.
 */
import { Schema } from "effect"
import { EpochMillis, SymbolName } from "@blockchaincore/core/trade/Trade"

/** `serverTime` dates the answer by the exchange's clock: the statuses held then. */
export const SymbolStatusesFromJson = Schema.fromJsonString(
  Schema.Struct({ serverTime: EpochMillis, symbols: Schema.Array(Schema.Struct({ symbol: SymbolName, status: Schema.String })) })
)

/** Binance's weight of an exchangeInfo request, whatever the symbols asked. */
export const EXCHANGE_INFO_WEIGHT = 20

export const isTrading = (status: string): boolean => status === "TRADING"
