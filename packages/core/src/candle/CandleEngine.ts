/**
 * The candle engine: trades in, closed and revised candles out, for many symbols at once.
 *
 * The rules it keeps (core/BINANCE.md, "Kline semantics", and the design's "Semantics"):
 * - Windows by trade time. 1m windows are built from trades; longer intervals are rolled up from
 *   closed 1m windows, so they equal that roll-up by construction (`SymbolWindows`).
 * - A window closes when its symbol's watermark (the highest trade or heartbeat time seen) passes
 *   the window's end plus a grace, never on wall-clock time. Windows without trades are emitted
 *   too, carrying the previous close.
 * - Final means proven. A closed window is `complete` only once the exchange is known to have no
 *   trade in it beyond those applied: a later trade of its symbol, or a confirmation (the
 *   exchange's last id, equal to the highest applied, at a time past the window's end). Until
 *   then it is provisional (`complete: false`), and the proof revises it as complete.
 * - A window without trades while its symbol is not trading (a halt, maintenance) is not emitted:
 *   Binance has no kline for it. A longer interval with no minute emitted is not emitted either.
 *   One emitted before the halt was known is retracted (`CandleRetracted`). A window without
 *   trades is final only once the exchange said the symbol was trading past its end.
 * - Each trade id is applied once. Per symbol the engine knows the highest id applied and the
 *   ranges of ids skipped over (gaps, `../gaps/`); anything else is a duplicate and changes nothing.
 * - A skipped range marks the windows it may fall in incomplete. A trade that fills it later is
 *   applied to its window even if that window has closed, and the window is emitted again as a
 *   revision; once the whole range is filled the windows are revised as complete.
 *
 * It is a plain class, not an Effect service: it is the hot loop, and it does no I/O. Outputs
 * collect inside and are taken with `drain()`; `snapshot()`/`restore()` (`EngineSnapshot.ts`)
 * carry the state across a restart.
 */
import type { Candle } from "./Candle.ts"
import type { Interval } from "./Interval.ts"
import type { Opening } from "./Opening.ts"
import { type EngineSnapshot, restoreSymbol, symbolSnapshot, type SymbolSnapshot } from "./EngineSnapshot.ts"
import { type Series, SymbolWindows, type WindowSink } from "./SymbolWindows.ts"
import type { Gap } from "../gaps/Gap.ts"
import type { Trade } from "../trade/Trade.ts"

/**
 * How far past a window's end its symbol's watermark must be before the live pipeline closes it:
 * trades a few milliseconds late still land in their window. The producer sends every shard at a
 * minute boundary plus this grace, so the closing batch carries them.
 */
export const CLOSE_GRACE_MILLIS = 50

export interface EngineOptions {
  /** The intervals to emit. 1m windows are always built, since the others roll up from them. */
  readonly intervals: ReadonlyArray<Interval>
  /** How far past a window's end the watermark must move before the window closes. */
  readonly graceMillis: number
  /**
   * A symbol first seen here starts mid-stream (the live pipeline): its first windows are
   * incomplete until the producer's `Opening` says where the exchange's trades begin. Without it
   * (a file, the archive) the first trade is taken as the first.
   */
  readonly awaitsOpening?: boolean
}

export type EngineOutput =
  | { readonly _tag: "CandleClosed"; readonly candle: Candle }
  | { readonly _tag: "CandleRevised"; readonly candle: Candle }
  | { readonly _tag: "CandleRetracted"; readonly symbol: string; readonly interval: Interval; readonly openTime: number }
  | { readonly _tag: "GapOpened"; readonly gap: Gap }
  | { readonly _tag: "GapClosed"; readonly gap: Gap }

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

const noCounters = (): EngineCounters => ({ applied: 0, duplicates: 0, conflicts: 0, unplaceable: 0, gapsAbandoned: 0 })

export class CandleEngine {
  readonly options: EngineOptions
  readonly counters: EngineCounters = noCounters()
  private readonly symbols = new Map<string, SymbolWindows>()
  private readonly rollupIntervals: ReadonlyArray<Interval>
  private readonly sink: WindowSink
  private lastState: SymbolWindows | undefined

  constructor(options: EngineOptions) {
    this.options = options
    const wanted = new Set(options.intervals)
    this.rollupIntervals = (["5m", "15m", "1h", "4h", "1d"] as const).filter((i) => wanted.has(i))
    this.sink = { emitsMinute: wanted.has("1m"), outputs: [], counters: this.counters, revisedSeries: new Set<Series>() }
  }

  /** Applies one trade (or aggregate trade) once; a repeat changes nothing. */
  apply(trade: Trade): void {
    const state = this.stateOf(trade.symbol)
    if (state.sequence.isAhead(trade)) {
      const proven = state.provenThrough
      const opened = !state.sequence.started && this.options.awaitsOpening === true ? state.awaitOpening(trade) : undefined
      if (opened !== undefined) this.sink.outputs.push({ _tag: "GapOpened", gap: opened })
      // A gap named by a confirmation ends where the next trade known is: this one, if it follows it.
      const freed = state.gaps.boundBy(trade)
      const gap = state.sequence.advance(trade)
      if (gap !== undefined) {
        state.gaps.add(gap)
        this.sink.outputs.push({ _tag: "GapOpened", gap })
        state.gapOpened()
      }
      // The windows an open-ended gap held are proven again, as far as the proof now reaches.
      if (trade.time > proven || freed !== undefined) state.proveWindows(freed === undefined ? proven : Math.min(proven, freed.fromTime))
      if (!state.addToOpenWindow(trade)) return
    } else {
      const taken = state.gaps.take(trade.firstId, trade.lastId, trade.time)
      if (taken === undefined) {
        if (trade.lastId <= state.sequence.lastId) this.counters.duplicates++
        else this.counters.conflicts++
        return
      }
      state.sequence.filled(trade)
      const freed = state.gaps.boundBy(trade)
      if (taken.closed) {
        this.sink.outputs.push({ _tag: "GapClosed", gap: taken.gap })
        state.gapClosed(taken.gap)
      }
      const placed = state.addLate(trade)
      // An open-ended gap filled, or bounded by this trade, no longer holds the windows after it.
      const held = taken.gap.openEnded === true ? taken.gap : freed
      if (held !== undefined) state.proveWindows(held.fromTime)
      if (!placed) return
    }
    this.counters.applied++
    if (trade.time > state.watermark) this.advance(trade.symbol, trade.time)
  }

  /** Moves a symbol's watermark (a heartbeat: no trade until `time`), closing what it passes. */
  advance(symbol: string, time: number): void {
    const state = this.stateOf(symbol)
    if (time > state.watermark) state.watermark = time
    state.closePassed(this.options.graceMillis)
  }

  /**
   * The exchange's last trade id for `symbol` was `lastId` at `time`: if that is the highest id
   * applied, every window ending before `time` is final. A confirmation behind what was applied
   * proves nothing (a stale answer). One ahead names trades lost on the way: the producer
   * confirms only ids it has sent, and a symbol's parts arrive in order, so the ids between are
   * a gap (a batch dead-lettered, with no later trade of its symbol to reveal it), kept for the
   * producer to fill like any other.
   */
  confirm(symbol: string, lastId: number, time: number): void {
    const state = this.stateOf(symbol)
    if (lastId > state.sequence.lastId && state.sequence.started) {
      const gap = {
        symbol,
        fromId: state.sequence.lastId + 1,
        toId: lastId,
        fromTime: state.sequence.lastTime,
        toTime: Math.max(time, state.sequence.lastTime),
        openEnded: true as const
      }
      state.sequence.skipTo(lastId, time)
      state.gaps.add(gap)
      this.sink.outputs.push({ _tag: "GapOpened", gap })
      state.gapOpened()
      return
    }
    if (lastId !== state.sequence.lastId || time <= state.confirmedThrough) return
    const proven = state.provenThrough
    state.confirmedThrough = time
    if (time > proven) state.proveWindows(proven)
  }

  /**
   * The producer's word after a cold start (`Opening`): where the exchange's trades of the first
   * window begin, and its klines of the minutes before. Taken before the part's trades, which may
   * already fill the ids it opens.
   */
  open(symbol: string, opening: Opening): void {
    const gap = this.stateOf(symbol).open(opening)
    if (gap !== undefined) this.sink.outputs.push({ _tag: "GapOpened", gap })
  }

  /** The highest trade id applied for `symbol`; -1 before any. */
  lastApplied(symbol: string): number {
    return this.stateOf(symbol).sequence.lastId
  }

  /**
   * The exchange's word on `symbol` at `time` (its own time): trading, or halted since then.
   * Windows without trades are final only once it said "trading" past their end; in a halt they
   * are not klines, and those already emitted are retracted. Only the exchange's word ends a halt:
   * a trade that follows the word in the batch may well have been made before it.
   */
  setTrading(symbol: string, trading: boolean, time: number): void {
    this.setStatuses(symbol, [{ trading, time }])
  }

  /**
   * The exchange's words on `symbol`'s trading, in order, as `setTrading` takes one: a halt and
   * its end said together are one span, and only its windows stop being klines.
   */
  setStatuses(symbol: string, statuses: ReadonlyArray<{ readonly trading: boolean; readonly time: number }>): void {
    const state = this.stateOf(symbol)
    const before = state.halts.tradingThrough
    for (const word of statuses) {
      if (word.trading) state.halts.trading(word.time)
      else state.halts.begin(word.time)
    }
    state.applyHalts()
    if (state.halts.tradingThrough > before) state.proveEmptyWindows(before)
  }

  /** Closes every open window up to the last one with a trade: the end of a finite input. */
  flush(): void {
    for (const state of this.symbols.values()) state.closeAll()
  }

  /** Takes the outputs produced so far, revisions of changed closed windows last. */
  drain(): Array<EngineOutput> {
    const revised = this.sink.revisedSeries
    for (const series of revised) series.owner.emitRevisions(series)
    revised.clear()
    return this.sink.outputs.splice(0)
  }

  /** The open gaps of every symbol. */
  gaps(): ReadonlyArray<Gap> {
    return [...this.symbols.values()].flatMap((s) => s.gaps.open)
  }

  /**
   * The whole state, for a restart. Take it after `drain()`: outputs not yet taken are not part
   * of it, so taking it earlier is a bug in the caller.
   */
  snapshot(): EngineSnapshot {
    if (this.sink.outputs.length > 0) throw new Error("CandleEngine.snapshot: drain() the outputs first")
    return {
      version: 1,
      options: {
        intervals: [...this.options.intervals],
        graceMillis: this.options.graceMillis,
        ...(this.options.awaitsOpening === true ? { awaitsOpening: true } : {})
      },
      counters: { ...this.counters },
      symbols: [...this.symbols.values()].map(symbolSnapshot)
    }
  }

  /** An engine that goes on exactly where the one that took `snapshot` stood. */
  static restore(snapshot: EngineSnapshot): CandleEngine {
    const engine = new CandleEngine(snapshot.options)
    Object.assign(engine.counters, snapshot.counters)
    for (const saved of snapshot.symbols) {
      const state = engine.stateOf(saved.symbol)
      restoreSymbol(state, saved)
      for (const series of state.allSeries) if (series.closed.some((a) => a.revised)) engine.sink.revisedSeries.add(series)
    }
    return engine
  }

  /** An engine holding one symbol's saved state (as a processor keeps it per symbol). */
  static forSymbol(options: EngineOptions, state: SymbolSnapshot): CandleEngine {
    return CandleEngine.restore({
      version: 1,
      options: { intervals: [...options.intervals], graceMillis: options.graceMillis, ...(options.awaitsOpening === true ? { awaitsOpening: true } : {}) },
      counters: noCounters(),
      symbols: [state]
    })
  }

  private stateOf(symbol: string): SymbolWindows {
    const last = this.lastState
    if (last !== undefined && last.symbol === symbol) return last
    let state = this.symbols.get(symbol)
    if (state === undefined) {
      state = new SymbolWindows(symbol, this.rollupIntervals, this.sink)
      this.symbols.set(symbol, state)
    }
    this.lastState = state
    return state
  }
}
