/**
 * The candle store: closed candles by symbol, interval and open time, and the candle engine's
 * state per symbol, written only if nobody else wrote it since it was read (its version). On
 * AWS a DynamoDB table; locally an embedded database in the data directory.
 */
import { Context, type Effect, Schema } from "effect"
import type { Candle } from "../candle/Candle.ts"
import type { SymbolSnapshot } from "../candle/EngineSnapshot.ts"
import type { Interval } from "../candle/Interval.ts"

export class StoreUnavailable extends Schema.TaggedError<StoreUnavailable>()("StoreUnavailable", {
  message: Schema.String
}) {}

/** Someone else saved the state first: read it again and redo the work. */
export class VersionConflict extends Schema.TaggedError<VersionConflict>()("VersionConflict", {
  symbol: Schema.String,
  expected: Schema.Int
}) {}

export interface VersionedState {
  /** 0 for a symbol never seen. */
  readonly version: number
  readonly state: SymbolSnapshot | undefined
}

export interface CandleQuery {
  readonly symbol: string
  readonly interval: Interval
  /** Inclusive bounds on open time. */
  readonly startTime?: number
  readonly endTime?: number
  /** The most recent `limit` of the range when only `endTime` or neither bound is given, else the first. */
  readonly limit: number
}

export class CandleStore extends Context.Service<CandleStore, {
  readonly loadState: (symbol: string) => Effect.Effect<VersionedState, StoreUnavailable>
  readonly saveState: (symbol: string, state: SymbolSnapshot, expectedVersion: number) => Effect.Effect<number, StoreUnavailable | VersionConflict>
  /** Upserts by symbol, interval and open time: a revision replaces the candle it revises. */
  readonly putCandles: (candles: ReadonlyArray<Candle>) => Effect.Effect<void, StoreUnavailable>
  readonly candles: (query: CandleQuery) => Effect.Effect<ReadonlyArray<Candle>, StoreUnavailable>
  readonly symbols: () => Effect.Effect<ReadonlyArray<string>, StoreUnavailable>
}>()("@blockchaincore/core/ports/CandleStore") {}
