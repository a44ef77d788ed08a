/**
 * Binance's `GET /api/v3/exchangeInfo`, as far as enrichment reads it: each symbol's instrument,
 * its base and quote asset, tick size (PRICE_FILTER) and step size (LOT_SIZE).
 */
import { Option, Schema } from "effect"
import { Units8 } from "@blockchaincore/core/decimal/Decimal"
import { SymbolName } from "@blockchaincore/core/trade/Trade"
import type { Instrument } from "@blockchaincore/core/trade/Instrument"

const Filter = Schema.Struct({ filterType: Schema.String, tickSize: Schema.optionalKey(Schema.String), stepSize: Schema.optionalKey(Schema.String) })

/** The part of Binance's exchangeInfo response we read. */
export const ExchangeInfo = Schema.Struct({
  symbols: Schema.Array(Schema.Struct({ symbol: SymbolName, baseAsset: Schema.String, quoteAsset: Schema.String, filters: Schema.Array(Filter) }))
})
export type ExchangeInfo = typeof ExchangeInfo.Type

export const ExchangeInfoFromJson = Schema.fromJsonString(ExchangeInfo)

const decodeUnits = Schema.decodeUnknownOption(Units8)

/** The instruments of an exchangeInfo response; a symbol without both filters is left out. */
export const instrumentsOf = (info: ExchangeInfo): Array<Instrument> =>
  info.symbols.flatMap((s) => {
    const tick = decodeUnits(s.filters.find((f) => f.filterType === "PRICE_FILTER")?.tickSize)
    const step = decodeUnits(s.filters.find((f) => f.filterType === "LOT_SIZE")?.stepSize)
    return Option.isSome(tick) && Option.isSome(step)
      ? [{ symbol: s.symbol, baseAsset: s.baseAsset, quoteAsset: s.quoteAsset, tickSize: tick.value, stepSize: step.value }]
      : []
  })
