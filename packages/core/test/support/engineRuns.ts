/** Running the engine over a list of trades the way a consumer of batches would. */
import type { Candle } from "../../src/candle/Candle.ts"
import { CandleEngine, type EngineOptions, type EngineOutput } from "../../src/candle/CandleEngine.ts"
import type { Trade } from "../../src/trade/Trade.ts"

export const ALL_INTERVALS: EngineOptions = { intervals: ["1m", "5m", "15m", "1h", "4h", "1d"], graceMillis: 0 }

/** Applies the trades in batches cut at `cuts`, draining after each, then flushes. */
export const runBatches = (trades: ReadonlyArray<Trade>, cuts: ReadonlyArray<number> = [], options = ALL_INTERVALS): Array<EngineOutput> => {
  const engine = new CandleEngine(options)
  const outputs: Array<EngineOutput> = []
  let from = 0
  for (const cut of [...cuts, trades.length]) {
    for (const trade of trades.slice(from, cut)) engine.apply(trade)
    outputs.push(...engine.drain())
    from = Math.max(from, cut)
  }
  engine.flush()
  outputs.push(...engine.drain())
  return outputs
}

export const windowKey = (c: Candle) => `${c.symbol}|${c.interval}|${String(c.openTime).padStart(15, "0")}`

/** The last word on every window: closed candles with their revisions applied, in key order. */
export const finalCandles = (outputs: ReadonlyArray<EngineOutput>): Array<Candle> => {
  const byWindow = new Map<string, Candle>()
  for (const o of outputs) if (o._tag === "CandleClosed" || o._tag === "CandleRevised") byWindow.set(windowKey(o.candle), o.candle)
  return [...byWindow.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, c]) => c)
}

export const closedOnly = (outputs: ReadonlyArray<EngineOutput>): Array<Candle> =>
  outputs.flatMap((o) => (o._tag === "CandleClosed" ? [o.candle] : [])).sort((a, b) => (windowKey(a) < windowKey(b) ? -1 : 1))
