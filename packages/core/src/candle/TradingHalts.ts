/**
 * What the exchange said of one symbol's trading, as the engine needs it: the spans it was halted
 * (Binance makes no kline for a minute of a halt without trades) and how far its status is known
 * to have been `TRADING`. A window without trades is a kline only if the symbol was trading: it is
 * final only once the exchange said so past its end, and it does not exist inside a halt.
 *
 * Times are the exchange's: the producer dates a halt's edges by Binance's own klines and a
 * status answer by the server's time, never by when the answer reached us.
 */
export interface HaltSpan {
  readonly from: number
  /** -1 while the halt goes on. */
  readonly to: number
}

export class TradingHalts {
  /** Halts from the oldest window still held on, the current one (`to` -1) last. */
  spans: Array<HaltSpan> = []
  /** Through this time the exchange said the symbol was trading; -1 before any answer. */
  tradingThrough = -1

  /** Whether a window opening at `openTime` lies in a halt. */
  halted(openTime: number): boolean {
    for (const s of this.spans) if (openTime >= s.from && (s.to < 0 || openTime < s.to)) return true
    return false
  }

  /** The halt going on, if any: since when. */
  get haltedSince(): number {
    const last = this.spans.at(-1)
    return last !== undefined && last.to < 0 ? last.from : -1
  }

  /** The exchange says the symbol is halted since `from`; returns the start of the halt now held. */
  begin(from: number): number {
    const current = this.haltedSince
    if (current >= 0 && current <= from) return current
    if (current >= 0) this.spans.pop()
    this.spans.push({ from, to: -1 })
    // A halt found to start earlier than the proof of trading: the proof went too far.
    if (this.tradingThrough > from) this.tradingThrough = from
    return from
  }

  /** The exchange says the symbol trades at `time`: a halt going on ended by then, and trading is known through it. */
  trading(time: number): void {
    const current = this.haltedSince
    if (current >= 0) {
      if (time <= current) return
      this.spans[this.spans.length - 1] = { from: current, to: time }
    }
    if (time > this.tradingThrough) this.tradingThrough = time
  }

  /** Forgets the halts that ended before `time`: no window still to be closed lies in them. */
  forgetBefore(time: number): void {
    if (this.spans.length > 0) this.spans = this.spans.filter((s) => s.to < 0 || s.to > time)
  }
}
