/**
 * A symbol's minutes without a streamed trade, as far as they are not dated yet. Binance makes a
 * kline for every minute a symbol trades, with or without trades, and none in a halt; so a minute
 * without trades is a candle only if the exchange's klines have it. A status answer of `TRADING`
 * between two checks cannot tell: a halt may have begun and ended in between. The minutes with
 * trades need no such word (their trades are their kline), so only the quiet ones are asked for.
 */
import { intervalMillis } from "@blockchaincore/core/candle/Interval"

const MINUTE = intervalMillis["1m"]
const minuteOf = (time: number) => time - (time % MINUTE)

export class QuietMinutes {
  /** The minute of the latest trade streamed; -1 before any. */
  private lastMinute = -1
  /** The first minute without trades not dated yet, among those before `lastMinute`; -1 for none. */
  private firstQuiet = -1
  /** Every minute before this one is dated. */
  private dated = -1

  /**
   * From a resume point (the last trade delivered before a restart), the minutes since are quiet
   * until a trade says otherwise: a halt while the producer was away is looked for too.
   */
  constructor(resumedAt?: number) {
    if (resumedAt !== undefined && resumedAt >= 0) this.lastMinute = minuteOf(resumedAt)
  }

  /** A trade streamed at `time`: the minutes it skips over are quiet. */
  traded(time: number): void {
    const minute = minuteOf(time)
    const skipped = Math.max(this.lastMinute + MINUTE, this.dated)
    if (this.lastMinute >= 0 && skipped < minute && this.firstQuiet < 0) this.firstQuiet = skipped
    if (minute > this.lastMinute) this.lastMinute = minute
  }

  /** The first quiet minute not dated yet that has ended by `time`, or -1. */
  since(time: number): number {
    if (this.firstQuiet >= 0) return this.firstQuiet
    const trailing = Math.max(this.lastMinute + MINUTE, this.dated)
    return this.lastMinute >= 0 && trailing + MINUTE <= time ? trailing : -1
  }

  /** The exchange's klines dated every minute before `time`. */
  datedUntil(time: number): void {
    if (time <= this.dated) return
    this.dated = time
    // Quiet minutes between `time` and the last trade's may remain: asked for from `time` on.
    if (this.firstQuiet >= 0 && this.firstQuiet < time) this.firstQuiet = time < this.lastMinute ? time : -1
  }
}
