/**
 * Our candles against the exchange's klines for the same windows, column by column as Binance
 * writes them (KlineCsv.ts). A window only one side has is a difference too: a zero-volume candle
 * we made during a halt, or a minute we never closed.
 */
import type { Candle } from "./Candle.ts"
import { klineRow, type KlineRow } from "./KlineCsv.ts"

interface WindowDifference {
  readonly openTime: number
  /** Our row and the exchange's; null where that side has no window. */
  readonly ours: KlineRow | null
  readonly theirs: KlineRow | null
}

/** Whether two candles of a window are the same kline: every column Binance writes, equal. */
export const sameKline = (a: Candle, b: Candle): boolean => {
  const x = klineRow(a)
  const y = klineRow(b)
  return x.every((v, i) => v === y[i])
}

/** The windows where `ours` and `theirs` differ, by open time; empty when they agree. */
export const differingWindows = (ours: ReadonlyArray<Candle>, theirs: ReadonlyArray<Candle>): Array<WindowDifference> => {
  const mine = new Map(ours.map((c) => [c.openTime, klineRow(c)]))
  const exchange = new Map(theirs.map((c) => [c.openTime, klineRow(c)]))
  const times = [...new Set([...mine.keys(), ...exchange.keys()])].sort((a, b) => a - b)
  return times.flatMap((openTime) => {
    const a = mine.get(openTime) ?? null
    const b = exchange.get(openTime) ?? null
    return a !== null && b !== null && a.every((v, i) => v === b[i]) ? [] : [{ openTime, ours: a, theirs: b }]
  })
}
