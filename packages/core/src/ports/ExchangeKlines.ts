/**
 * The exchange's own klines, the reference every closed hour is reconciled with, and its trades
 * of a window, what a window it contradicts is made again from: on both runtimes Binance's REST
 * `/api/v3/klines` and `/api/v3/aggTrades` (or a stand-in speaking its protocol).
 */
import { Context, type Effect, Schema } from "effect"
import type { Candle } from "../candle/Candle.ts"
import type { Interval } from "../candle/Interval.ts"
import type { Trade } from "../trade/Trade.ts"

export class ExchangeUnavailable extends Schema.TaggedError<ExchangeUnavailable>()("ExchangeUnavailable", {
  message: Schema.String
}) {}

export class ExchangeKlines extends Context.Service<
  ExchangeKlines,
  {
    /** The exchange's klines of `symbol` at `interval` opening from `startTime` to `endTime` inclusive, oldest first. */
    readonly klines: (symbol: string, interval: Interval, startTime: number, endTime: number) => Effect.Effect<ReadonlyArray<Candle>, ExchangeUnavailable>
    /** The exchange's trades of `symbol` made from `startTime` to `endTime` inclusive (aggregates, each standing for its ids), in id order. */
    readonly trades: (symbol: string, startTime: number, endTime: number) => Effect.Effect<ReadonlyArray<Trade>, ExchangeUnavailable>
  }
>()("@blockchaincore/core/ports/ExchangeKlines") {}
