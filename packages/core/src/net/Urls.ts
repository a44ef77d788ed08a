/** The shapes of the URLs a setting may name: where a service (Binance, a replay server, a collector) is reached. */
import { Schema } from "effect"

export const WsUrl = Schema.String.pipe(Schema.check(Schema.isPattern(/^wss?:\/\/[^\s]+$/, { message: "Expected a ws:// or wss:// URL" })))
export const HttpUrl = Schema.String.pipe(Schema.check(Schema.isPattern(/^https?:\/\/[^\s]+$/, { message: "Expected an http:// or https:// URL" })))
