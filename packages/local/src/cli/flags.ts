/** Flags shared by the commands, each decoded with a schema. */
import { Schema } from "effect"
import { Flag } from "effect/cli"
import { SymbolList } from "@blockchaincore/core/trade/SymbolList"

const WsUrl = Schema.String.pipe(Schema.check(Schema.isPattern(/^wss?:\/\/[^\s]+$/, { message: "Expected a ws:// or wss:// URL" })))
const HttpUrl = Schema.String.pipe(Schema.check(Schema.isPattern(/^https?:\/\/[^\s]+$/, { message: "Expected an http:// or https:// URL" })))

export const BINANCE_WS = "wss://stream.binance.com:9443"
export const BINANCE_REST = "https://api.binance.com"

export const symbolsFlag = Flag.String("symbols").pipe(Flag.withSchema(SymbolList), Flag.withDescription("Comma-separated symbols, e.g. btcusdt,ethusdt"))
export const wsUrlFlag = Flag.String("ws-url").pipe(Flag.withSchema(WsUrl), Flag.withDefault(BINANCE_WS), Flag.withDescription("Binance WebSocket base URL (or a replay server's)"))
export const restUrlFlag = Flag.String("rest-url").pipe(Flag.withSchema(HttpUrl), Flag.withDefault(BINANCE_REST), Flag.withDescription("Binance REST base URL (or a replay server's)"))

export const positiveInt = (name: string, description: string) =>
  Flag.Int(name).pipe(Flag.withSchema(Schema.Int.check(Schema.isGreaterThan(0))), Flag.optional, Flag.withDescription(description))
