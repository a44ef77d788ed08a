/** "btcusdt,ETHUSDT" → ["BTCUSDT", "ETHUSDT"]: stream names are lower case, REST symbols upper. */
import { Schema, SchemaGetter } from "effect"
import { SymbolName } from "./Trade.ts"

export const SymbolList = Schema.String.pipe(
  Schema.decodeTo(Schema.Array(SymbolName).check(Schema.isMinLength(1)), {
    decode: SchemaGetter.transform((s: string) => [...new Set(s.split(",").map((x) => x.trim().toUpperCase()).filter((x) => x.length > 0))]),
    encode: SchemaGetter.transform((symbols: ReadonlyArray<string>) => symbols.join(","))
  })
)
