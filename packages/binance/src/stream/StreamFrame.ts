/**
 * Binance WebSocket market-data frames (core/BINANCE.md): trade, aggTrade and serverShutdown
 * events, raw (`/ws/<stream>`) or wrapped in the combined-stream envelope
 * (`/stream?streams=...`: `{"stream":"btcusdt@trade","data":{...}}`).
 */
import { Schema } from "effect"
import { Units8 } from "@blockchaincore/core/decimal/Decimal"
import { EpochMillis, SymbolName, TradeId, type Trade } from "@blockchaincore/core/trade/Trade"
import { RestAggTrade } from "../rest/RestAggTrade.ts"

/** `<symbol>@trade`. Fields `b` and `a` (order ids) were removed in 2024 and are ignored if present. */
const TradeEvent = Schema.Struct({
  e: Schema.Literal("trade"),
  E: EpochMillis,
  s: SymbolName,
  t: TradeId,
  p: Units8,
  q: Units8,
  T: EpochMillis,
  m: Schema.Boolean,
  M: Schema.optionalKey(Schema.Boolean)
})
type TradeEvent = typeof TradeEvent.Type

/** `<symbol>@aggTrade`: the trades `f..l` at one price, REST's aggregate row as an event. */
const AggTradeEvent = Schema.Struct({
  e: Schema.Literal("aggTrade"),
  E: EpochMillis,
  s: SymbolName,
  ...RestAggTrade.fields
})
type AggTradeEvent = typeof AggTradeEvent.Type

/** Sent before the server goes down for maintenance: reconnect at once. */
const ServerShutdownEvent = Schema.Struct({
  e: Schema.Literal("serverShutdown"),
  E: EpochMillis
})
type ServerShutdownEvent = typeof ServerShutdownEvent.Type

const StreamEvent = Schema.Union([TradeEvent, AggTradeEvent, ServerShutdownEvent])
type StreamEvent = typeof StreamEvent.Type

/** The combined-stream envelope. */
const CombinedFrame = Schema.Struct({
  stream: Schema.String.pipe(Schema.check(Schema.isNonEmpty())),
  data: StreamEvent
})
type CombinedFrame = typeof CombinedFrame.Type

/** Any market-data frame we read, combined or raw; the text form is a JSON document. */
export const StreamFrame = Schema.Union([CombinedFrame, StreamEvent])
export type StreamFrame = typeof StreamFrame.Type

export const StreamFrameFromJson = Schema.fromJsonString(StreamFrame)

/** The event inside a frame, whichever form it came in. */
export const eventOf = (frame: StreamFrame): StreamEvent => ("stream" in frame ? frame.data : frame)

/** The normalised trade of a trade or aggTrade event; `undefined` for control events. */
export const tradeOf = (event: StreamEvent): Trade | undefined => {
  switch (event.e) {
    case "trade":
      return { symbol: event.s, firstId: event.t, lastId: event.t, price: event.p, qty: event.q, time: event.T, buyerIsMaker: event.m }
    case "aggTrade":
      return { symbol: event.s, firstId: event.f, lastId: event.l, price: event.p, qty: event.q, time: event.T, buyerIsMaker: event.m }
    case "serverShutdown":
      return undefined
  }
}
