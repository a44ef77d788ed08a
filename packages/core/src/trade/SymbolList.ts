/**
 * "btcusdt,ETH/USDT" → ["BTCUSDT", "ETHUSDT"]: stream names are lower case, REST symbols upper,
 * and other tools write a pair with a separator (ccxt's "BTC/USDT", "BTC-USDT"): Binance's has none.
 */
import { Schema, SchemaGetter } from "effect"
import { SymbolName } from "./Trade.ts"

export const SymbolList = Schema.String.pipe(
  Schema.decodeTo(Schema.Array(SymbolName).check(Schema.isMinLength(1)), {
    decode: SchemaGetter.transform((s: string) => [...new Set(s.split(",").map((x) => x.trim().toUpperCase().replace(/[/_-]/g, "")).filter((x) => x.length > 0))]),
    encode: SchemaGetter.transform((symbols: ReadonlyArray<string>) => symbols.join(","))
  })
)
