/**
 * The candle engine's state as a document: what a restarted process restores so that it goes on
 * without losing or double counting a trade. Decimals are written as decimals, so a snapshot can
 * be read by a person.
 */
import { Schema } from "effect"
import { Units16, Units8 } from "../decimal/Decimal.ts"
import { Gap } from "../gaps/Gap.ts"
import { EpochMillis, SymbolName } from "../trade/Trade.ts"
import { CandleAccumulator } from "./CandleAccumulator.ts"
import { Interval } from "./Interval.ts"
import type { Series, SymbolWindows } from "./SymbolWindows.ts"

const Count = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
/** An id or time, or -1 for "none yet". */
const OrNone = Schema.Int.check(Schema.isGreaterThanOrEqualTo(-1))
const TradeIdOrZero = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

const AccumulatorSnapshot = Schema.Struct({
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
  minutes: Count,
  revised: Schema.Boolean,
  hidden: Schema.optionalKey(Schema.Boolean)
})
type AccumulatorSnapshot = typeof AccumulatorSnapshot.Type

const SeriesSnapshot = Schema.Struct({
  interval: Interval,
  open: Schema.Array(AccumulatorSnapshot),
  closed: Schema.Array(AccumulatorSnapshot),
  nextOpenTime: OrNone,
  lastClose: Units8
})
type SeriesSnapshot = typeof SeriesSnapshot.Type

export const SymbolSnapshot = Schema.Struct({
  symbol: SymbolName,
  highestId: OrNone,
  lastTradeTime: OrNone,
  confirmedThrough: OrNone,
  haltedSince: OrNone,
  /** Halts that ended but still reach windows not closed yet. */
  endedHalts: Schema.optionalKey(Schema.Array(Schema.Struct({ from: EpochMillis, to: EpochMillis }))),
  /** Through this time the exchange said the symbol was trading (absent: never). */
  tradingThrough: Schema.optionalKey(OrNone),
  /** After a cold start, until the producer's opening: the first window's trades not known yet. */
  unknownStart: Schema.optionalKey(Schema.Struct({ beforeId: TradeIdOrZero, minuteOpen: EpochMillis, time: EpochMillis })),
  watermark: OrNone,
  gaps: Schema.Array(Gap),
  minute: SeriesSnapshot,
  rollups: Schema.Array(SeriesSnapshot)
})
export type SymbolSnapshot = typeof SymbolSnapshot.Type

export const EngineSnapshot = Schema.Struct({
  version: Schema.Literal(1),
  options: Schema.Struct({
    intervals: Schema.Array(Interval),
    graceMillis: Count,
    awaitsOpening: Schema.optionalKey(Schema.Boolean)
  }),
  counters: Schema.Struct({
    applied: Count,
    duplicates: Count,
    conflicts: Count,
    unplaceable: Count,
    gapsAbandoned: Count
  }),
  symbols: Schema.Array(SymbolSnapshot)
})
export type EngineSnapshot = typeof EngineSnapshot.Type

export const EngineSnapshotFromJson = Schema.fromJsonString(EngineSnapshot)

export const symbolSnapshot = (state: SymbolWindows): SymbolSnapshot => ({
  symbol: state.symbol,
  highestId: state.sequence.lastId,
  lastTradeTime: state.sequence.lastTime,
  confirmedThrough: state.confirmedThrough,
  haltedSince: state.halts.haltedSince,
  endedHalts: state.halts.spans.filter((s) => s.to >= 0),
  tradingThrough: state.halts.tradingThrough,
  ...(state.unknownStart === undefined ? {} : { unknownStart: state.unknownStart }),
  watermark: state.watermark,
  gaps: [...state.gaps.open],
  minute: seriesSnapshot(state.minute),
  rollups: state.rollups.map(seriesSnapshot)
})

/** Puts a saved symbol back into a new `state` built with the same intervals. */
export const restoreSymbol = (state: SymbolWindows, saved: SymbolSnapshot): void => {
  if (state.rollups.length !== saved.rollups.length) throw new Error("CandleEngine.restore: intervals do not match")
  state.sequence.lastId = saved.highestId
  state.sequence.lastTime = saved.lastTradeTime
  state.confirmedThrough = saved.confirmedThrough
  state.halts.spans = [...(saved.endedHalts ?? []), ...(saved.haltedSince >= 0 ? [{ from: saved.haltedSince, to: -1 }] : [])]
  state.halts.tradingThrough = saved.tradingThrough ?? -1
  state.unknownStart = saved.unknownStart
  state.watermark = saved.watermark
  for (const gap of saved.gaps) state.gaps.add(gap)
  restoreSeries(state.minute, saved.minute)
  state.rollups.forEach((series, i) => restoreSeries(series, saved.rollups[i]!))
}

const seriesSnapshot = (series: Series): SeriesSnapshot => ({
  interval: series.interval,
  open: series.open.map(accumulatorSnapshot),
  closed: series.closed.map(accumulatorSnapshot),
  nextOpenTime: series.nextOpenTime,
  lastClose: series.lastClose
})

const restoreSeries = (series: Series, saved: SeriesSnapshot): void => {
  if (series.interval !== saved.interval) throw new Error(`CandleEngine.restore: expected ${series.interval}, got ${saved.interval}`)
  series.nextOpenTime = saved.nextOpenTime
  series.lastClose = saved.lastClose
  series.open.push(...saved.open.map(restoreAccumulator))
  series.closed.push(...saved.closed.map(restoreAccumulator))
}

const accumulatorSnapshot = (acc: CandleAccumulator): AccumulatorSnapshot => ({
  openTime: acc.openTime,
  firstId: acc.firstId,
  lastId: acc.lastId,
  open: acc.open,
  high: acc.high,
  low: acc.low,
  close: acc.close,
  volume: acc.volume,
  quoteVolume: acc.quoteVolume,
  takerBuyBaseVolume: acc.takerBuyBaseVolume,
  takerBuyQuoteVolume: acc.takerBuyQuoteVolume,
  trades: acc.trades,
  minutes: acc.minutes,
  revised: acc.revised,
  ...(acc.hidden ? { hidden: true } : {})
})

const restoreAccumulator = ({ openTime, ...fields }: AccumulatorSnapshot): CandleAccumulator => Object.assign(new CandleAccumulator(openTime), fields)
