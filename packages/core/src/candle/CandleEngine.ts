/**
 * The candle engine: trades in, closed and revised candles out, for many symbols at once.
 *
 * The rules it keeps (core/BINANCE.md, "Kline semantics", and the design's "Semantics"):
 * - Windows by trade time. 1m windows are built from trades; longer intervals are rolled up from
 *   closed 1m windows, so they equal that roll-up by construction.
 * - A window closes when its symbol's watermark (the highest trade or heartbeat time seen) passes
 *   the window's end plus a grace, never on wall-clock time. Windows without trades are emitted
 *   too, carrying the previous close.
 * - Final means proven. A closed window is `complete` only once the exchange is known to have no
 *   trade in it beyond those applied: a later trade of its symbol, or a confirmation (the
 *   exchange's last id, equal to the highest applied, at a time past the window's end). Until
 *   then it is provisional (`complete: false`), and the proof revises it as complete.
 * - A window without trades while its symbol is not trading (a halt, maintenance) is not emitted:
 *   Binance has no kline for it. A longer interval with no minute emitted is not emitted either.
 * - Each trade id is applied once. Per symbol the engine knows the highest id applied and the
 *   ranges of ids skipped over (gaps); anything else is a duplicate and changes nothing.
 * - A skipped range marks the windows it may fall in incomplete. A trade that fills it later is
 *   applied to its window even if that window has closed, and the window is emitted again as a
 *   revision; once the whole range is filled the windows are revised as complete.
 *
 * It is a plain class, not an Effect service: it is the hot loop, and it does no I/O. Outputs
 * collect inside and are taken with `drain()`; `snapshot()`/`restore()` carry the state across a
 * restart.
 */
import { CandleAccumulator } from "./CandleAccumulator.ts"
import type { Candle } from "./Candle.ts"
import { type Interval, intervalMillis, windowClose, windowOpen } from "./Interval.ts"
import type { Trade } from "../trade/Trade.ts"
import type { AccumulatorSnapshot, EngineSnapshot, SeriesSnapshot, SymbolSnapshot } from "./EngineSnapshot.ts"

const MINUTE = intervalMillis["1m"]

/**
 * A gap still open this long after its missing trades (in stream time) is abandoned: its windows
 * stay marked incomplete, and trades for it that arrive later are not applied. Without a horizon a
 * gap that can never be filled would keep every closed window after it forever, and a symbol's
 * state would outgrow what a store can hold (DynamoDB's 400 KB item). A day of windows of every
 * interval is about 1,900 accumulators, well under that gzipped.
 */
export const GAP_HORIZON_MILLIS = 24 * 60 * MINUTE

export interface EngineOptions {
  /** The intervals to emit. 1m windows are always built, since the others roll up from them. */
  readonly intervals: ReadonlyArray<Interval>
  /** How far past a window's end the watermark must move before the window closes. */
  readonly graceMillis: number
}

/** Trade ids `fromId..toId` not seen yet; the missing trades lie in `fromTime..toTime`. */
export interface Gap {
  readonly symbol: string
  fromId: number
  toId: number
  readonly fromTime: number
  readonly toTime: number
}

export type EngineOutput =
  | { readonly _tag: "CandleClosed"; readonly candle: Candle }
  | { readonly _tag: "CandleRevised"; readonly candle: Candle }
  | { readonly _tag: "GapOpened"; readonly gap: Readonly<Gap> }
  | { readonly _tag: "GapClosed"; readonly gap: Readonly<Gap> }

export interface EngineCounters {
  applied: number
  duplicates: number
  /** Trades whose ids only partly overlap what was applied: inconsistent input, not applied. */
  conflicts: number
  /**
   * Trades with new ids but a time in a window closed and forgotten long ago (trade time going
   * backwards against id order, which Binance does not do): counted, not applied.
   */
  unplaceable: number
  /** Gaps still open past the horizon (`GAP_HORIZON_MILLIS`), given up: their windows stay incomplete. */
  gapsAbandoned: number
}

/** The windows of one symbol and interval. */
class Series {
  readonly symbol: string
  readonly interval: Interval
  /** 1m: windows not closed yet, ascending. Longer intervals: at most the one being rolled up. */
  readonly open: Array<CandleAccumulator> = []
  /** Closed windows kept because a gap may still change them (see `prune`), ascending. */
  readonly closed: Array<CandleAccumulator> = []
  /** 1m only: the open time of the next window to close; -1 before the first trade. */
  nextOpenTime = -1
  /** The close of the latest closed window: the price of the next window without trades. */
  lastClose = 0n
  constructor(symbol: string, interval: Interval) {
    this.symbol = symbol
    this.interval = interval
  }
}

class SymbolState {
  readonly symbol: string
  highestId = -1
  /** Time of the trade with the highest id: where a gap found next would begin. */
  lastTradeTime = -1
  /** Through this time the exchange confirmed it had no trade beyond `highestId`; -1 before any. */
  confirmedThrough = -1
  /** Since when (stream time) the exchange says the symbol is not trading; -1 while it trades. */
  haltedSince = -1
  watermark = -1
  readonly gaps: Array<Gap> = []
  readonly minute: Series
  /** The emitted intervals longer than 1m, shortest first. */
  readonly rollups: Array<Series>
  constructor(symbol: string, rollups: ReadonlyArray<Interval>) {
    this.symbol = symbol
    this.minute = new Series(symbol, "1m")
    this.rollups = rollups.map((i) => new Series(symbol, i))
  }
}

export class CandleEngine {
  readonly options: EngineOptions
  readonly counters: EngineCounters = { applied: 0, duplicates: 0, conflicts: 0, unplaceable: 0, gapsAbandoned: 0 }
  private readonly symbols = new Map<string, SymbolState>()
  private readonly rollupIntervals: ReadonlyArray<Interval>
  private readonly emitsMinute: boolean
  private readonly outputs: Array<EngineOutput> = []
  private readonly revisedSeries = new Set<Series>()
  private lastState: SymbolState | undefined

  constructor(options: EngineOptions) {
    this.options = options
    const wanted = new Set(options.intervals)
    this.emitsMinute = wanted.has("1m")
    this.rollupIntervals = (["5m", "15m", "1h", "4h", "1d"] as const).filter((i) => wanted.has(i))
  }

  /** Applies one trade (or aggregate trade) once; a repeat changes nothing. */
  apply(trade: Trade): void {
    const state = this.stateOf(trade.symbol)
    if (trade.firstId > state.highestId) {
      if (state.highestId >= 0 && trade.firstId > state.highestId + 1) this.openGap(state, trade)
      const proven = provenThrough(state)
      state.highestId = trade.lastId
      state.lastTradeTime = trade.time
      if (trade.time > proven) this.proveWindows(state, proven)
      if (!this.addToOpenWindow(state, trade)) return
    } else if (this.takeFromGap(state, trade)) {
      if (!this.addLate(state, trade)) return
    } else {
      if (trade.lastId <= state.highestId) this.counters.duplicates++
      else this.counters.conflicts++
      return
    }
    this.counters.applied++
    if (trade.time > state.watermark) this.advance(trade.symbol, trade.time)
  }

  /** Moves a symbol's watermark (a heartbeat: no trade until `time`), closing what it passes. */
  advance(symbol: string, time: number): void {
    const state = this.stateOf(symbol)
    if (time > state.watermark) state.watermark = time
    const minute = state.minute
    const limit = state.watermark - this.options.graceMillis
    while (minute.nextOpenTime >= 0 && minute.nextOpenTime + MINUTE <= limit) this.closeNextMinute(state)
  }

  /**
   * The exchange's last trade id for `symbol` was `lastId` at `time`: if that is the highest id
   * applied, every window ending before `time` is final. A confirmation behind or ahead of what
   * was applied proves nothing (trades still on their way, or a stale answer).
   */
  confirm(symbol: string, lastId: number, time: number): void {
    const state = this.stateOf(symbol)
    if (lastId !== state.highestId || time <= state.confirmedThrough) return
    const proven = provenThrough(state)
    state.confirmedThrough = time
    if (time > proven) this.proveWindows(state, proven)
  }

  /** The highest trade id applied for `symbol`; -1 before any. */
  lastApplied(symbol: string): number {
    return this.stateOf(symbol).highestId
  }

  /**
   * Whether the exchange said `symbol` was trading when the stream stood at `time`. While it is
   * not, windows without trades are skipped. Only the exchange's word ends a halt: a trade that
   * follows the word in the batch may well have been made before it.
   */
  setTrading(symbol: string, trading: boolean, time: number): void {
    const state = this.stateOf(symbol)
    if (!trading) state.haltedSince = state.haltedSince < 0 ? time : Math.min(state.haltedSince, time)
    else state.haltedSince = -1
  }

  /** Closes every open window up to the last one with a trade: the end of a finite input. */
  flush(): void {
    for (const state of this.symbols.values()) {
      const last = state.minute.open.at(-1)
      if (last !== undefined) while (state.minute.nextOpenTime <= last.openTime) this.closeNextMinute(state)
      for (const series of state.rollups) {
        const current = series.open.pop()
        if (current !== undefined && current.minutes > 0) this.closeWindow(state, series, current)
      }
    }
  }

  /** Takes the outputs produced so far, revisions of changed closed windows last. */
  drain(): Array<EngineOutput> {
    for (const series of this.revisedSeries) this.emitRevisions(series)
    this.revisedSeries.clear()
    return this.outputs.splice(0)
  }

  /**
   * The whole state, for a restart. Take it after `drain()`: outputs not yet taken are not part
   * of it, so taking it earlier is a bug in the caller.
   */
  snapshot(): EngineSnapshot {
    if (this.outputs.length > 0) throw new Error("CandleEngine.snapshot: drain() the outputs first")
    return {
      version: 1,
      options: { intervals: [...this.options.intervals], graceMillis: this.options.graceMillis },
      counters: { ...this.counters },
      symbols: [...this.symbols.values()].map((state) => ({
        symbol: state.symbol,
        highestId: state.highestId,
        lastTradeTime: state.lastTradeTime,
        confirmedThrough: state.confirmedThrough,
        haltedSince: state.haltedSince,
        watermark: state.watermark,
        gaps: state.gaps.map(({ fromId, toId, fromTime, toTime }) => ({ fromId, toId, fromTime, toTime })),
        minute: seriesSnapshot(state.minute),
        rollups: state.rollups.map(seriesSnapshot)
      }))
    }
  }

  /** An engine that goes on exactly where the one that took `snapshot` stood. */
  static restore(snapshot: EngineSnapshot): CandleEngine {
    const engine = new CandleEngine(snapshot.options)
    Object.assign(engine.counters, snapshot.counters)
    for (const saved of snapshot.symbols) {
      const state = engine.stateOf(saved.symbol)
      if (state.rollups.length !== saved.rollups.length) throw new Error("CandleEngine.restore: intervals do not match")
      state.highestId = saved.highestId
      state.lastTradeTime = saved.lastTradeTime
      state.confirmedThrough = saved.confirmedThrough ?? -1
      state.haltedSince = saved.haltedSince ?? -1
      state.watermark = saved.watermark
      for (const gap of saved.gaps) state.gaps.push({ symbol: saved.symbol, ...gap })
      restoreSeries(state.minute, saved.minute)
      state.rollups.forEach((series, i) => restoreSeries(series, saved.rollups[i]!))
      for (const series of [state.minute, ...state.rollups]) {
        if (series.closed.some((a) => a.revised)) engine.revisedSeries.add(series)
      }
    }
    return engine
  }

  /** An engine holding one symbol's saved state (as a processor keeps it per symbol). */
  static forSymbol(options: EngineOptions, state: SymbolSnapshot): CandleEngine {
    return CandleEngine.restore({
      version: 1,
      options: { intervals: [...options.intervals], graceMillis: options.graceMillis },
      counters: { applied: 0, duplicates: 0, conflicts: 0, unplaceable: 0, gapsAbandoned: 0 },
      symbols: [state]
    })
  }

  /** The open gaps of every symbol. */
  gaps(): ReadonlyArray<Readonly<Gap>> {
    return [...this.symbols.values()].flatMap((s) => s.gaps)
  }

  private stateOf(symbol: string): SymbolState {
    const last = this.lastState
    if (last !== undefined && last.symbol === symbol) return last
    let state = this.symbols.get(symbol)
    if (state === undefined) {
      state = new SymbolState(symbol, this.rollupIntervals)
      this.symbols.set(symbol, state)
    }
    this.lastState = state
    return state
  }

  private addToOpenWindow(state: SymbolState, trade: Trade): boolean {
    const minute = state.minute
    const openTime = trade.time - (trade.time % MINUTE)
    if (minute.nextOpenTime < 0) minute.nextOpenTime = openTime
    if (openTime < minute.nextOpenTime) {
      // A new id with a time in a window that has closed: only possible if the watermark ran
      // ahead of trade time (a heartbeat past the grace). Treat the trade as late, not lost.
      return this.addLate(state, trade)
    }
    const open = minute.open
    let acc = open.at(-1)
    if (acc === undefined || acc.openTime !== openTime) acc = this.openMinute(minute, openTime)
    acc.add(trade)
    return true
  }

  private openMinute(minute: Series, openTime: number): CandleAccumulator {
    const open = minute.open
    let i = open.length
    while (i > 0 && open[i - 1]!.openTime > openTime) i--
    const existing = open[i - 1]
    if (existing !== undefined && existing.openTime === openTime) return existing
    const acc = new CandleAccumulator(openTime)
    open.splice(i, 0, acc)
    return acc
  }

  private closeNextMinute(state: SymbolState): void {
    const minute = state.minute
    const head = minute.open[0]
    const acc = head !== undefined && head.openTime === minute.nextOpenTime ? minute.open.shift()! : new CandleAccumulator(minute.nextOpenTime)
    minute.nextOpenTime += MINUTE
    // Skipped: a window without trades that begins after the exchange said the symbol is not
    // trading, and that no gap reaches (trades filled into it later must have a window to go to).
    const skipped = acc.trades === 0 && state.haltedSince >= 0 && acc.openTime >= state.haltedSince && !this.overlapsGap(state, "1m", acc.openTime)
    if (!skipped) this.closeWindow(state, minute, acc)
    for (const series of state.rollups) {
      const openTime = windowOpen(series.interval, acc.openTime)
      let current = series.open[0]
      if (current === undefined) {
        current = new CandleAccumulator(openTime)
        series.open.push(current)
      }
      if (!skipped) current.merge(acc)
      if (acc.openTime + MINUTE === openTime + intervalMillis[series.interval]) {
        series.open.pop()
        if (current.minutes > 0) this.closeWindow(state, series, current)
      }
    }
  }

  private closeWindow(state: SymbolState, series: Series, acc: CandleAccumulator): void {
    acc.carry(series.lastClose)
    series.lastClose = acc.close
    series.closed.push(acc)
    this.prune(state, series)
    if (series.interval !== "1m" || this.emitsMinute) {
      this.outputs.push({ _tag: "CandleClosed", candle: this.candleOf(state, series.interval, acc) })
    }
  }

  /**
   * Forgets closed windows no gap can reach any more: those before the window of the latest
   * trade (a gap found next starts there) that overlap no open gap.
   */
  private prune(state: SymbolState, series: Series): void {
    this.abandonStaleGaps(state)
    const keepFrom = windowOpen(series.interval, Math.max(state.lastTradeTime, 0))
    const closed = series.closed
    let drop = 0
    while (drop < closed.length - 1) {
      const acc = closed[drop]!
      if (acc.openTime >= keepFrom || acc.revised || this.overlapsGap(state, series.interval, acc.openTime)) break
      drop++
    }
    if (drop > 0) closed.splice(0, drop)
  }

  private abandonStaleGaps(state: SymbolState): void {
    const horizon = state.lastTradeTime - GAP_HORIZON_MILLIS
    for (let i = state.gaps.length - 1; i >= 0; i--) {
      const gap = state.gaps[i]!
      if (gap.toTime < horizon) {
        state.gaps.splice(i, 1)
        this.counters.gapsAbandoned++
      }
    }
  }

  private openGap(state: SymbolState, trade: Trade): void {
    const gap: Gap = {
      symbol: state.symbol,
      fromId: state.highestId + 1,
      toId: trade.firstId - 1,
      fromTime: state.lastTradeTime,
      toTime: trade.time
    }
    state.gaps.push(gap)
    this.outputs.push({ _tag: "GapOpened", gap: { ...gap } })
    // Windows already closed inside the gap were emitted as complete; they are not any more.
    for (const series of [state.minute, ...state.rollups]) {
      for (const acc of series.closed) if (this.overlapsGap(state, series.interval, acc.openTime)) this.markRevised(series, acc)
    }
  }

  /** True, and the ids are no longer missing, if the trade's ids lie in one open gap. */
  private takeFromGap(state: SymbolState, trade: Trade): boolean {
    const gaps = state.gaps
    for (let i = 0; i < gaps.length; i++) {
      const gap = gaps[i]!
      if (trade.firstId < gap.fromId || trade.lastId > gap.toId) continue
      if (trade.firstId === gap.fromId && trade.lastId === gap.toId) {
        gaps.splice(i, 1)
        this.outputs.push({ _tag: "GapClosed", gap: { ...gap } })
        this.reviseGapWindows(state, gap)
      } else if (trade.firstId === gap.fromId) {
        gap.fromId = trade.lastId + 1
      } else if (trade.lastId === gap.toId) {
        gap.toId = trade.firstId - 1
      } else {
        gaps.splice(i + 1, 0, { ...gap, fromId: trade.lastId + 1 })
        gap.toId = trade.firstId - 1
      }
      return true
    }
    return false
  }

  /** A gap has closed: its windows may be complete now, which is a revision of their own. */
  private reviseGapWindows(state: SymbolState, gap: Gap): void {
    for (const series of [state.minute, ...state.rollups]) {
      for (const acc of series.closed) {
        if (acc.openTime <= gap.toTime && windowClose(series.interval, acc.openTime) >= gap.fromTime) this.markRevised(series, acc)
      }
    }
  }

  /** A trade for a window that may have closed: a backfill or a late arrival. False if unplaceable. */
  private addLate(state: SymbolState, trade: Trade): boolean {
    const minute = state.minute
    const minuteOpen = trade.time - (trade.time % MINUTE)
    if (minute.nextOpenTime < 0 || minuteOpen >= minute.nextOpenTime) {
      // Its 1m window is still open: it joins it, and reaches longer intervals through it.
      if (minute.nextOpenTime < 0) minute.nextOpenTime = minuteOpen
      this.openMinute(minute, minuteOpen).add(trade)
      return true
    }
    // Every window the trade belongs to must still be held, or none is changed.
    const targets: Array<[Series, CandleAccumulator]> = []
    for (const series of [minute, ...state.rollups]) {
      const openTime = windowOpen(series.interval, trade.time)
      const current = series.open[0]
      if (series !== minute && current !== undefined && current.openTime === openTime) {
        targets.push([series, current])
        continue
      }
      const acc = series.closed.find((a) => a.openTime === openTime)
      if (acc === undefined) {
        this.counters.unplaceable++
        return false
      }
      targets.push([series, acc])
    }
    for (const [series, acc] of targets) {
      acc.add(trade)
      if (acc !== series.open[0]) this.markRevised(series, acc)
    }
    return true
  }

  private markRevised(series: Series, acc: CandleAccumulator): void {
    acc.revised = true
    this.revisedSeries.add(series)
  }

  private emitRevisions(series: Series): void {
    const state = this.stateOf(series.symbol)
    const closed = series.closed
    // A revised close changes the carried prices of the empty windows after it.
    for (let i = 1; i < closed.length; i++) {
      const prev = closed[i - 1]!
      const acc = closed[i]!
      if (acc.openTime === prev.openTime + intervalMillis[series.interval] && acc.carry(prev.close)) acc.revised = true
    }
    const latest = closed.at(-1)
    if (latest !== undefined) series.lastClose = latest.close
    for (const acc of closed) {
      if (!acc.revised) continue
      acc.revised = false
      if (series.interval !== "1m" || this.emitsMinute) {
        this.outputs.push({ _tag: "CandleRevised", candle: this.candleOf(state, series.interval, acc) })
      }
    }
    this.prune(state, series)
  }

  /**
   * The proof of a symbol's windows moved past `from`: closed windows ending between it and the
   * new proof were emitted provisional, and are revised as final. Only the newest closed windows
   * can be among them, so the walk stops at the first one proven before.
   */
  private proveWindows(state: SymbolState, from: number): void {
    const to = provenThrough(state)
    for (const series of [state.minute, ...state.rollups]) {
      const closed = series.closed
      for (let i = closed.length - 1; i >= 0; i--) {
        const acc = closed[i]!
        const closeTime = windowClose(series.interval, acc.openTime)
        if (closeTime < from) break
        // A window in a gap stays incomplete whatever proves it: the gap's filling revises it.
        if (closeTime < to && !this.overlapsGap(state, series.interval, acc.openTime)) this.markRevised(series, acc)
      }
    }
  }

  private overlapsGap(state: SymbolState, interval: Interval, openTime: number): boolean {
    const closeTime = windowClose(interval, openTime)
    for (const gap of state.gaps) if (openTime <= gap.toTime && closeTime >= gap.fromTime) return true
    return false
  }

  private candleOf(state: SymbolState, interval: Interval, acc: CandleAccumulator): Candle {
    const traded = acc.trades > 0
    return {
      symbol: state.symbol,
      interval,
      openTime: acc.openTime,
      open: acc.open,
      high: acc.high,
      low: acc.low,
      close: acc.close,
      volume: acc.volume,
      closeTime: windowClose(interval, acc.openTime),
      quoteVolume: acc.quoteVolume,
      trades: acc.trades,
      takerBuyBaseVolume: acc.takerBuyBaseVolume,
      takerBuyQuoteVolume: acc.takerBuyQuoteVolume,
      ignore: "0",
      firstTradeId: traded ? acc.firstId : null,
      lastTradeId: traded ? acc.lastId : null,
      complete: windowClose(interval, acc.openTime) < provenThrough(state) && !this.overlapsGap(state, interval, acc.openTime)
    }
  }
}

/** The time before which the exchange has no trade of the symbol the engine has not applied (gaps aside). */
const provenThrough = (state: SymbolState): number => Math.max(state.lastTradeTime, state.confirmedThrough)

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
  revised: acc.revised
})

const restoreAccumulator = (saved: AccumulatorSnapshot): CandleAccumulator => {
  const { openTime, minutes, ...fields } = saved
  // Snapshots from before halts were known count every window as holding a minute.
  return Object.assign(new CandleAccumulator(openTime), fields, { minutes: minutes ?? 1 })
}
