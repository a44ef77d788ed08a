/** Flags shared by the commands, each decoded with a schema. */
import { Schema, SchemaGetter } from "effect"
import { Flag } from "effect/cli"
import { SymbolName } from "@blockchaincore/core/trade/Trade"

/** "btcusdt,ETHUSDT" → ["BTCUSDT", "ETHUSDT"]: stream names are lower case, REST symbols upper. */
export const SymbolList = Schema.String.pipe(
  Schema.decodeTo(Schema.Array(SymbolName).check(Schema.isMinLength(1)), {
    decode: SchemaGetter.transform((s: string) => [...new Set(s.split(",").map((x) => x.trim().toUpperCase()).filter((x) => x.length > 0))]),
    encode: SchemaGetter.transform((symbols: ReadonlyArray<string>) => symbols.join(","))
  })
)

const WsUrl = Schema.String.pipe(Schema.check(Schema.isPattern(/^wss?:\/\/[^\s]+$/, { message: "Expected a ws:// or wss:// URL" })))
const HttpUrl = Schema.String.pipe(Schema.check(Schema.isPattern(/^https?:\/\/[^\s]+$/, { message: "Expected an http:// or https:// URL" })))

export const BINANCE_WS = "wss://stream.binance.com:9443"
export const BINANCE_REST = "https://api.binance.com"

export const symbolsFlag = Flag.String("symbols").pipe(Flag.withSchema(SymbolList), Flag.withDescription("Comma-separated symbols, e.g. btcusdt,ethusdt"))
export const wsUrlFlag = Flag.String("ws-url").pipe(Flag.withSchema(WsUrl), Flag.withDefault(BINANCE_WS), Flag.withDescription("Binance WebSocket base URL (or a replay server's)"))
export const restUrlFlag = Flag.String("rest-url").pipe(Flag.withSchema(HttpUrl), Flag.withDefault(BINANCE_REST), Flag.withDescription("Binance REST base URL (or a replay server's)"))

export const positiveInt = (name: string, description: string) =>
  Flag.Int(name).pipe(Flag.withSchema(Schema.Int.check(Schema.isGreaterThan(0))), Flag.optional, Flag.withDescription(description))
