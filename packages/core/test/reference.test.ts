/**
 * The promise the product rests on, checked against Binance's own numbers: real trades aggregate
 * to exactly the klines Binance published for them.
 */
import { Result } from "effect"
import { expect, it } from "vitest"
import { decodeArchiveRow, detectArchiveFormat } from "@blockchaincore/binance/archive/ArchiveRow"
import { decodeFrame } from "@blockchaincore/binance/stream/FrameDecoder"
import type { Candle } from "../src/candle/Candle.ts"
import { CandleEngine } from "../src/candle/CandleEngine.ts"
import type { Interval } from "../src/candle/Interval.ts"
import { formatUnits, PRICE_SCALE } from "../src/decimal/Decimal.ts"
import type { Trade } from "../src/trade/Trade.ts"
import { csvRows, describeWithSharedData, recordingFrames } from "@blockchaincore/testkit/sharedData"

const closedCandles = (trades: Iterable<Trade>, interval: Interval): Array<Candle> => {
  const engine = new CandleEngine({ intervals: [interval], graceMillis: 0 })
  const all = [...trades]
  // The archive's file says the symbol traded all day: its windows without trades are klines.
  for (const symbol of new Set(all.map((t) => t.symbol)))
    engine.setTrading(symbol, true, Math.max(...all.filter((t) => t.symbol === symbol).map((t) => t.time)))
  for (const trade of all) engine.apply(trade)
  engine.flush()
  return engine.drain().flatMap((o) => (o._tag === "CandleClosed" ? [o.candle] : []))
}

const xrpethTrades = (): Array<Trade> => {
  const rows = csvRows("XRPETH-aggTrades-2019-10-11.csv")
  const format = detectArchiveFormat(rows[0]!)!
  expect(format).toEqual({ layout: "aggTrades", unit: "millisecond" })
  return rows.map((fields) => Result.getOrThrow(decodeArchiveRow(format, "XRPETH", fields)))
}

const ohlcv = (c: Candle) => [c.openTime, ...[c.open, c.high, c.low, c.close, c.volume].map((u) => formatUnits(u, PRICE_SCALE, 8))].join(",")

describeWithSharedData("XRPETH aggTrades against Binance's klines of 2019-10-11", () => {
  for (const [interval, file, expected] of [
    ["1m", "XRPETH-1m-klines-2019-10-11.ohlcv.csv", 1435],
    ["5m", "XRPETH-5m-klines-2019-10-11.ohlcv.csv", 287]
  ] as const) {
    it(`${interval}: every window from the first trade's to the last trade's, empty ones included`, () => {
      const candles = closedCandles(xrpethTrades(), interval)
      const klines = csvRows(file).map((r) => r.join(","))
      expect(candles.length).toBe(expected)
      expect(candles.map(ohlcv)).toEqual(klines.slice(0, expected))
      const emptyKlines = klines.slice(0, expected).filter((k) => k.endsWith(",0.00000000")).length
      expect(candles.filter((c) => c.trades === 0).length).toBe(emptyKlines)
      // Every window is proven final by a later trade, but the last: nothing says the day's trades end there.
      expect(candles.slice(0, -1).every((c) => c.complete)).toBe(true)
      expect(candles.at(-1)?.complete).toBe(false)
    })
  }
})

describeWithSharedData("the BTCUSDT/ETHUSDT stream recording", () => {
  it("counts every trade once: each candle's count equals its id range, sums equal the trades' sums", () => {
    const trades = recordingFrames().map((f) => {
      const d = decodeFrame(f)
      if (d._tag !== "Trade") throw new Error(`unexpected frame ${f}`)
      return d.trade
    })
    const candles = closedCandles(trades, "1m")
    for (const symbol of ["BTCUSDT", "ETHUSDT"]) {
      const mine = trades.filter((t) => t.symbol === symbol)
      const cs = candles.filter((c) => c.symbol === symbol)
      for (const c of cs) {
        if (c.trades === 0) continue
        expect(c.trades).toBe(c.lastTradeId! - c.firstTradeId! + 1)
      }
      const sum = (xs: Array<bigint>) => xs.reduce((a, b) => a + b, 0n)
      expect(cs.reduce((n, c) => n + c.trades, 0)).toBe(mine.length)
      expect(sum(cs.map((c) => c.volume))).toBe(sum(mine.map((t) => t.qty)))
      expect(sum(cs.map((c) => c.quoteVolume))).toBe(sum(mine.map((t) => t.price * t.qty)))
      expect(sum(cs.map((c) => c.takerBuyBaseVolume))).toBe(sum(mine.filter((t) => !t.buyerIsMaker).map((t) => t.qty)))
      expect(cs.slice(0, -1).every((c) => c.complete)).toBe(true)
      expect(cs.at(-1)?.complete).toBe(false)
    }
    expect(candles.filter((c) => c.symbol === "BTCUSDT").length).toBe(12)
  })
})
