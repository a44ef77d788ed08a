/**
 * The exchange's own klines, the reference every closed hour is reconciled with: on both
 * runtimes Binance's REST `/api/v3/klines` (or a stand-in speaking its protocol).
 */
import { Context, type Effect, Schema } from "effect"
import type { Candle } from "../candle/Candle.ts"
import type { Interval } from "../candle/Interval.ts"

export class ExchangeUnavailable extends Schema.TaggedError<ExchangeUnavailable>()("ExchangeUnavailable", {
  message: Schema.String
}) {}

export class ExchangeKlines extends Context.Service<ExchangeKlines, {
  /** The exchange's klines of `symbol` at `interval` opening from `startTime` to `endTime` inclusive, oldest first. */
  readonly klines: (symbol: string, interval: Interval, startTime: number, endTime: number) => Effect.Effect<ReadonlyArray<Candle>, ExchangeUnavailable>
}>()("@blockchaincore/core/ports/ExchangeKlines") {}
