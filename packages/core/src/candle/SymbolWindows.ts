/**
 * One symbol's windows and their roll-up: 1m windows built from trades, longer intervals rolled
 * up from closed 1m windows, each closed window kept while a gap or a late trade may still change
 * it. What the engine decides (which trade is new, which fills a gap) arrives here as "add this
 * trade" or "these windows changed"; what closes or changes is pushed to the engine's outputs.
 */
import { CandleAccumulator } from "./CandleAccumulator.ts"
import type { Candle } from "./Candle.ts"
import { type Interval, intervalMillis, windowClose, windowOpen } from "./Interval.ts"
import type { EngineCounters, EngineOutput } from "./CandleEngine.ts"
import type { Gap } from "../gaps/Gap.ts"
import { GAP_HORIZON_MILLIS, GapLedger } from "../gaps/GapLedger.ts"
import { TradeSequence } from "../gaps/TradeSequence.ts"
import { TradingHalts } from "./TradingHalts.ts"
import type { Opening, OpeningSeed, UnknownStart } from "./Opening.ts"
import type { Trade } from "../trade/Trade.ts"

const MINUTE = intervalMillis["1m"]
/** How long a window that is not a kline (a halt's) is held behind the watermark. */
const HIDDEN_HOLD_MILLIS = 60 * MINUTE

/** Where the windows of every symbol report to: the engine's outputs and counters. */
export interface WindowSink {
  readonly emitsMinute: boolean
  readonly outputs: Array<EngineOutput>
  readonly counters: EngineCounters
  /** Series with a window marked revised: their revisions are emitted at the next drain. */
  readonly revisedSeries: Set<Series>
}

/** The windows of one symbol and interval. */
export class Series {
  readonly owner: SymbolWindows
  readonly interval: Interval
  /** 1m: windows not closed yet, ascending. Longer intervals: at most the one being rolled up. */
  readonly open: Array<CandleAccumulator> = []
  /** Closed windows kept because a gap may still change them (see `prune`), ascending. */
  readonly closed: Array<CandleAccumulator> = []
  /** 1m only: the open time of the next window to close; -1 before the first trade. */
  nextOpenTime = -1
  /** The close of the latest closed window: the price of the next window without trades. */
  lastClose = 0n
  constructor(owner: SymbolWindows, interval: Interval) {
    this.owner = owner
    this.interval = interval
  }
}

export class SymbolWindows {
  readonly symbol: string
  readonly sequence: TradeSequence
  readonly gaps = new GapLedger()
  /** Through this time the exchange confirmed it had no trade beyond the last id; -1 before any. */
  confirmedThrough = -1
  /** The exchange's word on the symbol's trading: its halts, and how far it is known to trade. */
  readonly halts = new TradingHalts()
  /** After a cold start, until the producer's `Opening`: the trades of the first window not known yet. */
  unknownStart: UnknownStart | undefined = undefined
  private earlyOpening: Opening | undefined = undefined
  watermark = -1
  readonly minute: Series
  /** The emitted intervals longer than 1m, shortest first. */
  readonly rollups: Array<Series>
  private readonly sink: WindowSink

  constructor(symbol: string, rollups: ReadonlyArray<Interval>, sink: WindowSink) {
    this.symbol = symbol
    this.sequence = new TradeSequence(symbol)
    this.minute = new Series(this, "1m")
    this.rollups = rollups.map((i) => new Series(this, i))
    this.sink = sink
  }

  get allSeries(): ReadonlyArray<Series> {
    return [this.minute, ...this.rollups]
  }

  /** The time before which the exchange has no trade of the symbol not applied here (gaps aside). */
  get provenThrough(): number {
    return Math.max(this.sequence.lastTime, this.confirmedThrough)
  }

  /** Adds a trade with new ids to the window of its time; false if it has no window any more. */
  addToOpenWindow(trade: Trade): boolean {
    const minute = this.minute
    const openTime = trade.time - (trade.time % MINUTE)
    if (minute.nextOpenTime < 0) minute.nextOpenTime = openTime
    if (openTime < minute.nextOpenTime) {
      // A new id with a time in a window that has closed: only possible if the watermark ran
      // ahead of trade time (a heartbeat past the grace). Treat the trade as late, not lost.
      return this.addLate(trade)
    }
    const acc = minute.open.at(-1)
    ;(acc !== undefined && acc.openTime === openTime ? acc : this.openMinute(openTime)).add(trade)
    return true
  }

  /** A trade for a window that may have closed: a backfill or a late arrival. False if unplaceable. */
  addLate(trade: Trade): boolean {
    const minute = this.minute
    const minuteOpen = trade.time - (trade.time % MINUTE)
    if (minute.nextOpenTime < 0 || minuteOpen >= minute.nextOpenTime) {
      // Its 1m window is still open: it joins it, and reaches longer intervals through it.
      if (minute.nextOpenTime < 0) minute.nextOpenTime = minuteOpen
      this.openMinute(minuteOpen).add(trade)
      return true
    }
    // Every window the trade belongs to must still be held, or none is changed.
    const targets: Array<[Series, CandleAccumulator]> = []
    for (const series of this.allSeries) {
      const openTime = windowOpen(series.interval, trade.time)
      const current = series.open[0]
      if (series !== minute && current !== undefined && current.openTime === openTime) {
        targets.push([series, current])
        continue
      }
      const acc = series.closed.find((a) => a.openTime === openTime)
      if (acc === undefined) {
        this.sink.counters.unplaceable++
        return false
      }
      targets.push([series, acc])
    }
    for (const [series, acc] of targets) {
      acc.add(trade)
      if (acc !== series.open[0]) this.markRevised(series, acc)
    }
    // A minute held as not a kline has a trade: it is one, and so are the windows holding it.
    const [, minuteAcc] = targets.find(([series]) => series === minute) ?? []
    if (minuteAcc?.hidden === true) this.setMinuteHidden(minuteAcc, false)
    return true
  }

  /** Closes the minutes the watermark passed by `graceMillis`. */
  closePassed(graceMillis: number): void {
    const minute = this.minute
    const limit = this.watermark - graceMillis
    while (minute.nextOpenTime >= 0 && minute.nextOpenTime + MINUTE <= limit) this.closeNextMinute()
    // Halts are kept while a window in them is held (a gap's window may still turn out empty).
    this.halts.forgetBefore(Math.min(minute.nextOpenTime, minute.closed[0]?.openTime ?? minute.nextOpenTime))
  }

  /** Closes every open window up to the last one with a trade: the end of a finite input. */
  closeAll(): void {
    const last = this.minute.open.at(-1)
    if (last !== undefined) while (this.minute.nextOpenTime <= last.openTime) this.closeNextMinute()
    for (const series of this.rollups) {
      const current = series.open.pop()
      if (current !== undefined && current.minutes > 0) this.closeWindow(series, current, false)
    }
  }

  /**
   * The first trade of a symbol seen mid-stream: trades before it in its window may exist, and
   * the longer windows holding it lack the minutes before. They are incomplete until `open`.
   */
  awaitOpening(trade: Trade): Gap | undefined {
    this.unknownStart = { beforeId: trade.firstId, minuteOpen: trade.time - (trade.time % MINUTE), time: trade.time }
    const early = this.earlyOpening
    this.earlyOpening = undefined
    return early === undefined || early.beforeId !== trade.firstId ? undefined : this.open(early)
  }

  /**
   * The producer's word on where the exchange's trades of the first window begin: ids before the
   * first one applied are a gap (filled from REST), and the exchange's klines of the minutes
   * before the start join the longer windows holding it.
   */
  open(opening: Opening): Gap | undefined {
    const start = this.unknownStart
    if (start === undefined) {
      // Said in the same part as the first trade, and taken before it: kept for that trade.
      if (!this.sequence.started) this.earlyOpening = opening
      return undefined
    }
    // Another start's (a producer that started again before this one was taken): asked again at its next start.
    if (opening.beforeId !== start.beforeId) return undefined
    this.unknownStart = undefined
    for (const seed of opening.seeds) this.seed(seed, opening.firstId)
    const gap =
      opening.firstId < start.beforeId
        ? { symbol: this.symbol, fromId: opening.firstId, toId: start.beforeId - 1, fromTime: start.minuteOpen, toTime: start.time }
        : undefined
    // Without trades before the first, the windows holding the start may be complete now; with
    // them, they stay incomplete until the gap is filled, which revises them.
    if (gap === undefined) this.gapClosed({ fromTime: start.minuteOpen, toTime: start.time })
    else this.gaps.add(gap)
    return gap
  }

  private seed(seed: OpeningSeed, firstId: number): void {
    const series = this.rollups.find((s) => s.interval === seed.interval)
    if (series === undefined || seed.minutes === 0) return
    let acc = series.open[0]?.openTime === seed.openTime ? series.open[0] : series.closed.find((a) => a.openTime === seed.openTime)
    if (acc === undefined) {
      if (series.open.length > 0) return
      acc = new CandleAccumulator(seed.openTime)
      series.open.push(acc)
    }
    acc.merge(seedAccumulator(seed, firstId))
    // `merge` counts one minute; the seed holds `seed.minutes`.
    acc.minutes += seed.minutes - 1
    if (acc !== series.open[0]) this.markRevised(series, acc)
  }

  /** A gap opened: windows already closed inside it were emitted as complete; they are not any more. */
  gapOpened(): void {
    for (const series of this.allSeries) {
      for (const acc of series.closed) if (this.inGap(series.interval, acc.openTime)) this.markRevised(series, acc)
    }
  }

  /** A gap closed: its windows may be complete now, which is a revision of their own. */
  gapClosed(gap: Pick<Gap, "fromTime" | "toTime">): void {
    for (const series of this.allSeries) {
      for (const acc of series.closed) {
        if (acc.openTime <= gap.toTime && windowClose(series.interval, acc.openTime) >= gap.fromTime) this.markRevised(series, acc)
      }
    }
  }

  /**
   * The proof of the windows moved past `from`: closed windows ending between it and the new
   * proof were emitted provisional, and are revised as final. Only the newest closed windows can
   * be among them, so the walk stops at the first one proven before.
   */
  proveWindows(from: number): void {
    const to = this.provenThrough
    for (const series of this.allSeries) {
      const closed = series.closed
      for (let i = closed.length - 1; i >= 0; i--) {
        const acc = closed[i]!
        const closeTime = windowClose(series.interval, acc.openTime)
        if (closeTime < from) break
        // A window in a gap stays incomplete whatever proves it: the gap's filling revises it.
        if (closeTime < to && this.isComplete(series.interval, acc)) this.markRevised(series, acc)
      }
    }
  }

  /**
   * The exchange's word that the symbol was trading moved past `from`: windows without trades
   * ending between it and the new word, and proven otherwise, are revised as final.
   */
  proveEmptyWindows(from: number): void {
    const to = this.halts.tradingThrough
    for (const series of this.allSeries) {
      const closed = series.closed
      for (let i = closed.length - 1; i >= 0; i--) {
        const acc = closed[i]!
        const closeTime = windowClose(series.interval, acc.openTime)
        if (closeTime < from) break
        if (acc.trades === 0 && closeTime < to && this.isComplete(series.interval, acc)) this.markRevised(series, acc)
      }
    }
  }

  /**
   * Holds the exchange's halts against the windows: a minute without trades in a halt is not a
   * kline (hidden, and retracted if it was emitted), nor is a longer window of only such minutes;
   * one that the halts no longer cover (a halt found shorter) is a kline again, emitted anew.
   */
  applyHalts(): void {
    for (const acc of this.minute.closed) {
      const hidden = acc.trades === 0 && this.halts.halted(acc.openTime)
      if (hidden !== acc.hidden) this.setMinuteHidden(acc, hidden)
    }
  }

  /** A held minute becomes a kline or stops being one; the longer windows holding it follow. */
  private setMinuteHidden(acc: CandleAccumulator, hidden: boolean): void {
    this.setHidden(this.minute, acc, hidden)
    for (const series of this.rollups) {
      const openTime = windowOpen(series.interval, acc.openTime)
      const current = series.open[0]
      const held = current !== undefined && current.openTime === openTime ? current : series.closed.find((a) => a.openTime === openTime)
      if (held === undefined) continue
      held.minutes += hidden ? -1 : 1
      if (held !== current && held.hidden !== (held.minutes === 0)) this.setHidden(series, held, held.minutes === 0)
    }
  }

  private setHidden(series: Series, acc: CandleAccumulator, hidden: boolean): void {
    acc.hidden = hidden
    if (!this.emits(series)) return
    if (hidden) this.sink.outputs.push({ _tag: "CandleRetracted", symbol: this.symbol, interval: series.interval, openTime: acc.openTime })
    else this.sink.outputs.push({ _tag: "CandleClosed", candle: this.candleOf(series.interval, acc) })
    acc.revised = false
  }

  emitRevisions(series: Series): void {
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
      if (this.emits(series) && !acc.hidden) this.sink.outputs.push({ _tag: "CandleRevised", candle: this.candleOf(series.interval, acc) })
    }
    this.prune(series)
  }

  private openMinute(openTime: number): CandleAccumulator {
    const open = this.minute.open
    let i = open.length
    while (i > 0 && open[i - 1]!.openTime > openTime) i--
    const existing = open[i - 1]
    if (existing !== undefined && existing.openTime === openTime) return existing
    const acc = new CandleAccumulator(openTime)
    open.splice(i, 0, acc)
    return acc
  }

  private closeNextMinute(): void {
    const minute = this.minute
    const head = minute.open[0]
    const acc = head !== undefined && head.openTime === minute.nextOpenTime ? minute.open.shift()! : new CandleAccumulator(minute.nextOpenTime)
    minute.nextOpenTime += MINUTE
    // Hidden: a window without trades in a halt. It is held all the same: a trade filled into it
    // later, or the halt found shorter, makes it a kline.
    const hidden = acc.trades === 0 && this.halts.halted(acc.openTime)
    this.closeWindow(minute, acc, hidden)
    for (const series of this.rollups) {
      const openTime = windowOpen(series.interval, acc.openTime)
      let current = series.open[0]
      if (current === undefined) {
        current = new CandleAccumulator(openTime)
        series.open.push(current)
      }
      if (!hidden) current.merge(acc)
      if (acc.openTime + MINUTE === openTime + intervalMillis[series.interval]) {
        series.open.pop()
        this.closeWindow(series, current, current.minutes === 0)
      }
    }
  }

  private closeWindow(series: Series, acc: CandleAccumulator, hidden: boolean): void {
    acc.carry(series.lastClose)
    acc.hidden = hidden
    series.lastClose = acc.close
    series.closed.push(acc)
    this.prune(series)
    if (this.emits(series) && !hidden) this.sink.outputs.push({ _tag: "CandleClosed", candle: this.candleOf(series.interval, acc) })
  }

  /**
   * Forgets closed windows no gap can reach any more: those before the window of the latest
   * trade (a gap found next starts there) that overlap no open gap and wait for no word of the
   * exchange on the symbol's trading.
   */
  private prune(series: Series): void {
    this.sink.counters.gapsAbandoned += this.gaps.abandonStale(this.sequence.lastTime)
    // An opening awaited past the gaps' horizon is given up like a gap: its windows stay provisional.
    if (this.unknownStart !== undefined && this.unknownStart.time < this.sequence.lastTime - GAP_HORIZON_MILLIS) {
      this.unknownStart = undefined
      this.sink.counters.gapsAbandoned++
    }
    const keepFrom = windowOpen(series.interval, Math.max(this.sequence.lastTime, 0))
    const closed = series.closed
    let drop = 0
    while (drop < closed.length - 1) {
      const acc = closed[drop]!
      if (acc.openTime >= keepFrom || acc.revised || this.inGap(series.interval, acc.openTime) || this.awaitsTradingWord(series.interval, acc)) break
      drop++
    }
    if (drop > 0) closed.splice(0, drop)
    // A long halt (or a delisting) closes a hidden window a minute: those an hour behind the
    // watermark are let go, or the saved state would grow for as long as it lasts.
    const hiddenHorizon = this.watermark - HIDDEN_HOLD_MILLIS
    if (closed.length > 1 && closed[0]!.openTime < hiddenHorizon) {
      const kept = closed.filter(
        (acc, i) => i === closed.length - 1 || !(acc.hidden && !acc.revised && acc.openTime < hiddenHorizon && !this.inGap(series.interval, acc.openTime))
      )
      closed.splice(0, closed.length, ...kept)
    }
  }

  /**
   * A window without trades not yet known to be a kline, of a symbol the exchange's status is
   * asked for: kept until the answer comes (or a halt retracts it). Where no one asks (a file's
   * candles), nothing waits.
   */
  private awaitsTradingWord(interval: Interval, acc: CandleAccumulator): boolean {
    const through = this.halts.tradingThrough
    return through >= 0 && acc.trades === 0 && !acc.hidden && windowClose(interval, acc.openTime) >= through
  }

  /**
   * Final: the exchange can have no trade in it beyond those counted (its proof is past the
   * window's end and no gap reaches it), and, without trades, it is a kline only if the symbol
   * was trading: the exchange said so past its end.
   */
  private isComplete(interval: Interval, acc: CandleAccumulator): boolean {
    const closeTime = windowClose(interval, acc.openTime)
    return closeTime < this.provenThrough && !this.inGap(interval, acc.openTime) && (acc.trades > 0 || (closeTime < this.halts.tradingThrough && !acc.hidden))
  }

  private markRevised(series: Series, acc: CandleAccumulator): void {
    acc.revised = true
    this.sink.revisedSeries.add(series)
  }

  private emits(series: Series): boolean {
    return series.interval !== "1m" || this.sink.emitsMinute
  }

  /** A window an open gap, or a start not known yet, may hold trades of. */
  private inGap(interval: Interval, openTime: number): boolean {
    const closeTime = windowClose(interval, openTime)
    const start = this.unknownStart
    return this.gaps.overlaps(openTime, closeTime) || (start !== undefined && openTime <= start.time && closeTime >= start.minuteOpen)
  }

  private candleOf(interval: Interval, acc: CandleAccumulator): Candle {
    const traded = acc.trades > 0
    return {
      symbol: this.symbol,
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
      complete: this.isComplete(interval, acc)
    }
  }
}

/** A seed as the window it sums. Ids are consecutive: its trades are the ones just before `firstId`. */
const seedAccumulator = (seed: OpeningSeed, firstId: number): CandleAccumulator => {
  const acc = new CandleAccumulator(seed.openTime)
  acc.trades = seed.trades
  if (seed.trades > 0) {
    acc.firstId = firstId - seed.trades
    acc.lastId = firstId - 1
  }
  acc.open = seed.open
  acc.high = seed.high
  acc.low = seed.low
  acc.close = seed.close
  acc.volume = seed.volume
  acc.quoteVolume = seed.quoteVolume
  acc.takerBuyBaseVolume = seed.takerBuyBaseVolume
  acc.takerBuyQuoteVolume = seed.takerBuyQuoteVolume
  return acc
}
