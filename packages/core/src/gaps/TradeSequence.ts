/**
 * Where one symbol's trade ids stand: the highest id taken and the time of its trade. A trade
 * is either behind (its first id was taken already: a repeat, or a fill of a gap) or ahead; a
 * trade ahead whose first id skips ids opens a gap that begins at the last trade taken.
 */
import type { Trade } from "../trade/Trade.ts"
import type { Gap } from "./Gap.ts"

export class TradeSequence {
  readonly symbol: string
  /** -1 before any trade. */
  lastId: number
  /** The time of the trade with `lastId`: where a gap found next begins. -1 before any. */
  lastTime: number

  constructor(symbol: string, from: { readonly id: number; readonly time: number } = { id: -1, time: -1 }) {
    this.symbol = symbol
    this.lastId = from.id
    this.lastTime = from.time
  }

  get started(): boolean {
    return this.lastId >= 0
  }

  isAhead(trade: Trade): boolean {
    return trade.firstId > this.lastId
  }

  /** Takes a trade that `isAhead`; returns the gap its first id skips, if any. */
  advance(trade: Trade): Gap | undefined {
    const gap =
      this.started && trade.firstId > this.lastId + 1
        ? { symbol: this.symbol, fromId: this.lastId + 1, toId: trade.firstId - 1, fromTime: this.lastTime, toTime: trade.time }
        : undefined
    this.lastId = trade.lastId
    this.lastTime = trade.time
    return gap
  }

  /** A trade that filled part of a gap: if it is the highest id known (a gap a confirmation named), a gap found next begins at its time. */
  filled(trade: Trade): void {
    if (trade.lastId === this.lastId) this.lastTime = Math.max(this.lastTime, trade.time)
  }

  /** Moves past ids known to be dealt with elsewhere (a gap handed to REST): a frame of them later is a repeat. */
  skipTo(id: number, time: number): void {
    if (!this.started) this.lastTime = time
    this.lastId = Math.max(this.lastId, id)
  }
}
