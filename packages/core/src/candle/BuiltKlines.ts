/**
 * Klines of an interval that is not stored, built from the stored windows that tile it
 * (KlineInterval.ts): the same rule as the engine's roll-up, open from the earliest window with
 * trades, close from the latest, sums of the rest.
 */
import type { Candle } from "./Candle.ts"
import type { KlineFields } from "./KlineCsv.ts"
import { type KlineInterval, klineWindowOpen, nextKlineWindow } from "./KlineInterval.ts"

type Building = { -readonly [K in keyof KlineFields]: KlineFields[K] }

/**
 * The windows of `interval` (in the time zone `offset` ms from UTC) that `stored` fall in: stored
 * windows in open-time order, none overlapping another (a tiling interval's, then the minutes
 * after its last closed window).
 */
export const buildKlines = (interval: KlineInterval, offset: number, stored: ReadonlyArray<Candle>): Array<KlineFields> => {
  const built: Array<KlineFields> = []
  let current: Building | undefined
  const finish = () => {
    if (current !== undefined) built.push(current)
  }
  for (const c of stored) {
    const openTime = klineWindowOpen(interval, offset, c.openTime)
    if (current === undefined || current.openTime !== openTime) {
      finish()
      current = { ...fieldsOf(c), openTime, closeTime: nextKlineWindow(interval, offset, openTime) - 1 }
      continue
    }
    merge(current, c)
  }
  finish()
  return built
}

const fieldsOf = (c: Candle): KlineFields => ({
  openTime: c.openTime,
  open: c.open,
  high: c.high,
  low: c.low,
  close: c.close,
  volume: c.volume,
  closeTime: c.closeTime,
  quoteVolume: c.quoteVolume,
  trades: c.trades,
  takerBuyBaseVolume: c.takerBuyBaseVolume,
  takerBuyQuoteVolume: c.takerBuyQuoteVolume,
  ignore: c.ignore
})

/** Adds the next stored window; a window without trades carries the previous close and changes nothing but the close. */
const merge = (into: Building, c: Candle) => {
  if (c.trades === 0) {
    if (into.trades === 0) into.close = c.close
    return
  }
  if (into.trades === 0) {
    into.open = c.open
    into.high = c.high
    into.low = c.low
  } else {
    if (c.high > into.high) into.high = c.high
    if (c.low < into.low) into.low = c.low
  }
  into.close = c.close
  into.volume += c.volume
  into.quoteVolume += c.quoteVolume
  into.trades += c.trades
  into.takerBuyBaseVolume += c.takerBuyBaseVolume
  into.takerBuyQuoteVolume += c.takerBuyQuoteVolume
}
