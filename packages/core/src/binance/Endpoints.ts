/** Binance's public endpoints, and the shapes a replacement (a replay server, a proxy) must have. */
import { Schema } from "effect"

export const BINANCE_WS = "wss://stream.binance.com:9443"
export const BINANCE_REST = "https://api.binance.com"

export const WsUrl = Schema.String.pipe(Schema.check(Schema.isPattern(/^wss?:\/\/[^\s]+$/, { message: "Expected a ws:// or wss:// URL" })))
export const HttpUrl = Schema.String.pipe(Schema.check(Schema.isPattern(/^https?:\/\/[^\s]+$/, { message: "Expected an http:// or https:// URL" })))
