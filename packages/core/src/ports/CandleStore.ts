/**
 * The candle store: closed candles by symbol, interval and open time. On AWS a DynamoDB table;
 * locally a table of the embedded database in the data directory.
 */
import { Context, type Effect } from "effect"
import type { Candle } from "../candle/Candle.ts"
import type { Interval } from "../candle/Interval.ts"
import type { StoreUnavailable } from "./StoreErrors.ts"

interface CandleQuery {
  readonly symbol: string
  readonly interval: Interval
  /** Inclusive bounds on open time. */
  readonly startTime?: number
  readonly endTime?: number
  /** The most recent `limit` of the range when only `endTime` or neither bound is given, else the first. */
  readonly limit: number
  /** Every write made before the read is seen (DynamoDB's strongly consistent read, at twice the cost); an embedded store always is. */
  readonly consistent?: boolean
}

/** What names a candle in the store. */
export interface CandleKey {
  readonly symbol: string
  readonly interval: Interval
  readonly openTime: number
}

export class CandleStore extends Context.Service<
  CandleStore,
  {
    /** Upserts by symbol, interval and open time: a revision replaces the candle it revises. */
    readonly putCandles: (candles: ReadonlyArray<Candle>) => Effect.Effect<void, StoreUnavailable>
    /** Deletes retracted candles (windows the exchange has no kline for); a key not stored is no error. */
    readonly deleteCandles: (keys: ReadonlyArray<CandleKey>) => Effect.Effect<void, StoreUnavailable>
    readonly candles: (query: CandleQuery) => Effect.Effect<ReadonlyArray<Candle>, StoreUnavailable>
    /** The symbols the pipeline has seen, sorted. */
    readonly symbols: () => Effect.Effect<ReadonlyArray<string>, StoreUnavailable>
  }
>()("@blockchaincore/core/ports/CandleStore") {}
