/**
 * The replayed market's state, shared by the server's WebSocket and REST sides. The market moves
 * on whether or not anyone listens: `head` is the furthest frame any connection has been sent.
 */
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
  /** exchangeInfo requests since the market reached the halt's start (-1 before). */
  private haltAsks = -1
  /** Connections waiting at the halt's start for it to be seen. */
  private readonly waitingForHalt = new Set<() => void>()

  constructor(frames: ReadonlyArray<RecordedFrame>, faults: ReplayFaults, stats: ReplayStats, startAt: number) {
    this.frames = frames
    this.faults = faults
    this.stats = stats
    this.head = startAt
    const last = new Map<string, number>()
    frames.forEach((f, i) => last.set(f.stream, i))
    for (const i of last.values()) this.lastOfStream.add(i)
    for (const symbol of new Set(frames.map((f) => f.trade.symbol))) {
      this.bySymbol.set(symbol, frames.filter((f) => f.trade.symbol === symbol))
    }
  }

  /** The market's time: its next frame's trade time (the last frame's once all are sent). */
  time(): number {
    return this.frames[Math.min(this.head, this.frames.length - 1)]?.trade.time ?? 0
  }

  /**
   * Whether the market must wait before `next`: it starts the halt, and the halt has not been
   * asked about twice. A connection that must wait passes `resume`, called once it may go on.
   */
  holdsForHalt(next: RecordedFrame, resume: () => void): boolean {
    const halt = this.faults.halt
    if (halt === undefined || next.trade.time < halt.fromTime || this.haltAsks >= 2) return false
    if (this.haltAsks < 0) this.haltAsks = 0
    this.waitingForHalt.add(resume)
    return true
  }

  /** exchangeInfo was asked: the second ask once the market waits at the halt lets it go on. */
  haltAsked(): void {
    if (this.faults.halt === undefined || this.haltAsks < 0 || this.haltAsks >= 2 || ++this.haltAsks < 2) return
    for (const resume of this.waitingForHalt) resume()
    this.waitingForHalt.clear()
  }

  isHalted(symbol: string): boolean {
    const halt = this.faults.halt
    const time = this.time()
    return halt !== undefined && symbol === halt.symbol && time >= halt.fromTime && time < halt.toTime
  }
}
