/**
 * One window's running kline, in fixed-point units (decimal/Decimal.ts). It does not depend on
 * the order trades arrive in: open and close are the prices of the lowest and highest trade id,
 * not of the first and last trade added, so any batching or interleaving gives the same numbers.
 */
import type { Trade } from "../trade/Trade.ts"

export class CandleAccumulator {
  /** Lowest and highest trade id added; -1 while the window has no trade. */
  firstId = -1
  lastId = -1
  open = 0n
  high = 0n
  low = 0n
  close = 0n
  volume = 0n
  quoteVolume = 0n
  takerBuyBaseVolume = 0n
  takerBuyQuoteVolume = 0n
  trades = 0
  /** Longer intervals: the 1m windows merged in (a window of a halt has none, and is not emitted). */
  minutes = 0
  /** Changed since it was last emitted: a revision is due. */
  revised = false
  /**
   * Not a kline: a minute without trades in a halt, or a longer window of only such minutes. Held
   * (a trade filled later, or a halt found shorter, makes it one) but not emitted.
   */
  hidden = false

  readonly openTime: number
  constructor(openTime: number) {
    this.openTime = openTime
  }

  add(trade: Trade): void {
    const { price, qty } = trade
    const quote = price * qty
    if (this.trades === 0) {
      this.firstId = trade.firstId
      this.lastId = trade.lastId
      this.open = this.high = this.low = this.close = price
    } else {
      if (trade.firstId < this.firstId) {
        this.firstId = trade.firstId
        this.open = price
      }
      if (trade.lastId > this.lastId) {
        this.lastId = trade.lastId
        this.close = price
      }
      if (price > this.high) this.high = price
      if (price < this.low) this.low = price
    }
    this.trades += trade.lastId - trade.firstId + 1
    this.volume += qty
    this.quoteVolume += quote
    if (!trade.buyerIsMaker) {
      this.takerBuyBaseVolume += qty
      this.takerBuyQuoteVolume += quote
    }
  }

  /** Adds another window's trades: how longer intervals are rolled up from 1m. */
  merge(other: CandleAccumulator): void {
    this.minutes++
    if (other.trades === 0) return
    if (this.trades === 0) {
      this.firstId = other.firstId
      this.lastId = other.lastId
      this.open = other.open
      this.high = other.high
      this.low = other.low
      this.close = other.close
    } else {
      if (other.firstId < this.firstId) {
        this.firstId = other.firstId
        this.open = other.open
      }
      if (other.lastId > this.lastId) {
        this.lastId = other.lastId
        this.close = other.close
      }
      if (other.high > this.high) this.high = other.high
      if (other.low < this.low) this.low = other.low
    }
    this.trades += other.trades
    this.volume += other.volume
    this.quoteVolume += other.quoteVolume
    this.takerBuyBaseVolume += other.takerBuyBaseVolume
    this.takerBuyQuoteVolume += other.takerBuyQuoteVolume
  }

  /** A window without trades carries the previous close as all four prices, as Binance's do. */
  carry(previousClose: bigint): boolean {
    if (this.trades !== 0 || this.close === previousClose) return false
    this.open = this.high = this.low = this.close = previousClose
    return true
  }
}
