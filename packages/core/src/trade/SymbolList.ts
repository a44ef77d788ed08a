/**
 * "btcusdt,ETH/USDT" → ["BTCUSDT", "ETHUSDT"]: stream names are lower case, REST symbols upper,
 * and other tools write a pair with a separator (ccxt's "BTC/USDT", "BTC-USDT"): Binance's has none.
 */
import { Schema, SchemaGetter } from "effect"
import { SymbolName } from "./Trade.ts"

const binanceSpelling = (symbol: string) => symbol.trim().toUpperCase().replace(/[/_-]/g, "")

/** One symbol as a user may write it ("btcusdt", "BTC/USDT"), as Binance spells it. */
export const SymbolSpelled = Schema.String.pipe(
  Schema.decodeTo(SymbolName, {
    decode: SchemaGetter.transform(binanceSpelling),
    encode: SchemaGetter.transform((s: string) => s)
  })
)

export const SymbolList = Schema.String.pipe(
  Schema.decodeTo(Schema.Array(SymbolName).check(Schema.isMinLength(1)), {
    decode: SchemaGetter.transform((s: string) => [
      ...new Set(
        s
          .split(",")
          .map(binanceSpelling)
          .filter((x) => x.length > 0)
      )
    ]),
    encode: SchemaGetter.transform((symbols: ReadonlyArray<string>) => symbols.join(","))
  })
)
