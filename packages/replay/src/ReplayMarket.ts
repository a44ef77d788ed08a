/**
 * The replayed market's state, shared by the server's WebSocket and REST sides. Paced (a `speed`),
 * the market has a clock of its own from the first frame sent on: its time runs on while clients
 * are away and after the recording's last trade. Unpaced, the reader sets the pace: `head` is the
 * furthest frame any connection has been sent, and the market's time is that of its next frame.
 * Either way nothing a client asks holds it back: a halt begins at its time, whether or not anyone
 * has asked about it.
 *
 * What REST knows follows Binance's documentation: the ticker and exchangeInfo are current, while
 * `historicalTrades`, `aggTrades` and klines come from a database that may lag the market
 * (`restLagMillis`): it knows only the trades made that long before the market's time.
 */
import type { Trade } from "@blockchaincore/core/trade/Trade"
import type { RecordedFrame } from "./Recording.ts"
import type { ReplayFaults, ReplayStats } from "./ReplayServer.ts"

export class ReplayMarket {
  readonly frames: ReadonlyArray<RecordedFrame>
  readonly faults: ReplayFaults
  readonly stats: ReplayStats
  readonly bySymbol = new Map<string, ReadonlyArray<RecordedFrame>>()
  /** The index of each stream's last frame (never dropped by `dropEvery`). */
  readonly lastOfStream = new Set<number>()
  head: number
  /** Paced: the speed, and the wall time of the first frame sent with its trade time. */
  readonly speed: number | undefined
  pacingOrigin: { readonly wall: number; readonly trade: number } | undefined

  constructor(frames: ReadonlyArray<RecordedFrame>, faults: ReplayFaults, stats: ReplayStats, startAt: number, speed: number | undefined) {
    this.frames = frames
    this.speed = speed
    this.faults = faults
    this.stats = stats
    this.head = startAt
    const last = new Map<string, number>()
    frames.forEach((f, i) => last.set(f.stream, i))
    for (const i of last.values()) this.lastOfStream.add(i)
    for (const symbol of new Set(frames.map((f) => f.trade.symbol))) {
      this.bySymbol.set(
        symbol,
        frames.filter((f) => f.trade.symbol === symbol)
      )
    }
  }

  /** The market's time: paced, its own clock's; unpaced, its next frame's trade time (the last frame's once all are sent). */
  time(): number {
    const origin = this.pacingOrigin
    if (origin !== undefined && this.speed !== undefined) return origin.trade + Math.floor((Date.now() - origin.wall) * this.speed)
    return this.frames[Math.min(this.head, this.frames.length - 1)]?.trade.time ?? 0
  }

  /** How many frames the market has reached: paced, those whose time has come; unpaced, those sent. */
  reached(): number {
    if (this.pacingOrigin === undefined) return this.head
    const now = this.time()
    let i = this.head
    while (i < this.frames.length && this.frames[i]!.trade.time <= now) i++
    return i
  }

  /** The time up to which the lagging trade database knows the market's trades (exclusive). */
  databaseTime(): number {
    return this.time() - (this.faults.restLagMillis ?? 0)
  }

  /** `symbol`'s trades the trade database knows now, in id order. */
  knownTrades(symbol: string): ReadonlyArray<Trade> {
    const until = this.databaseTime()
    const known: Array<Trade> = []
    for (const { trade } of this.bySymbol.get(symbol) ?? []) {
      if (trade.time >= until) break
      known.push(trade)
    }
    return known
  }

  /** The highest trade id of each symbol among the frames the market has reached. */
  lastIds(): ReadonlyMap<string, number> {
    const lastIds = new Map<string, number>()
    const reached = this.reached()
    for (let i = 0; i < reached; i++) {
      const t = this.frames[i]!.trade
      if (t.lastId > (lastIds.get(t.symbol) ?? -1)) lastIds.set(t.symbol, t.lastId)
    }
    return lastIds
  }

  /** Whether `symbol` is halted at `time` (the market's time unless given). */
  isHalted(symbol: string, time: number = this.time()): boolean {
    const halt = this.faults.halt
    return halt !== undefined && symbol === halt.symbol && time >= halt.fromTime && time < halt.toTime
  }
}
