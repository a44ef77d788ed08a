/**
 * The candle engine's state as a document: what a restarted process restores so that it goes on
 * without losing or double counting a trade. Decimals are written as decimals, so a snapshot can
 * be read by a person.
 */
import { Schema } from "effect"
import { Units16, Units8 } from "../decimal/Decimal.ts"
import { EpochMillis, SymbolName } from "../trade/Trade.ts"
import { Interval } from "./Interval.ts"

const Count = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
/** An id or time, or -1 for "none yet". */
const OrNone = Schema.Int.check(Schema.isGreaterThanOrEqualTo(-1))

export const AccumulatorSnapshot = Schema.Struct({
  openTime: EpochMillis,
  firstId: OrNone,
  lastId: OrNone,
  open: Units8,
  high: Units8,
  low: Units8,
  close: Units8,
  volume: Units8,
  quoteVolume: Units16,
  takerBuyBaseVolume: Units8,
  takerBuyQuoteVolume: Units16,
  trades: Count,
  /** Absent in snapshots written before halts were known. */
  minutes: Schema.optionalKey(Count),
  revised: Schema.Boolean
})
export type AccumulatorSnapshot = typeof AccumulatorSnapshot.Type

export const SeriesSnapshot = Schema.Struct({
  interval: Interval,
  open: Schema.Array(AccumulatorSnapshot),
  closed: Schema.Array(AccumulatorSnapshot),
  nextOpenTime: OrNone,
  lastClose: Units8
})
export type SeriesSnapshot = typeof SeriesSnapshot.Type

export const GapSnapshot = Schema.Struct({
  fromId: Count,
  toId: Count,
  fromTime: EpochMillis,
  toTime: EpochMillis
})

export const SymbolSnapshot = Schema.Struct({
  symbol: SymbolName,
  highestId: OrNone,
  lastTradeTime: OrNone,
  /** Absent in snapshots written before candles were proven against the exchange. */
  confirmedThrough: Schema.optionalKey(OrNone),
  haltedSince: Schema.optionalKey(OrNone),
  watermark: OrNone,
  gaps: Schema.Array(GapSnapshot),
  minute: SeriesSnapshot,
  rollups: Schema.Array(SeriesSnapshot)
})
export type SymbolSnapshot = typeof SymbolSnapshot.Type

export const EngineSnapshot = Schema.Struct({
  version: Schema.Literal(1),
  options: Schema.Struct({
    intervals: Schema.Array(Interval),
    graceMillis: Count
  }),
  counters: Schema.Struct({
    applied: Count,
    duplicates: Count,
    conflicts: Count,
    unplaceable: Count,
    /** Absent in snapshots written before gaps had a horizon. */
    gapsAbandoned: Schema.optionalKey(Count)
  }),
  symbols: Schema.Array(SymbolSnapshot)
})
export type EngineSnapshot = typeof EngineSnapshot.Type

export const EngineSnapshotFromJson = Schema.fromJsonString(EngineSnapshot)
