/**
 * Every interval Binance serves, from `/api/v3/klines`'s own code over the stored candles: each
 * window (in UTC and in other time zones) equals what its trades make, counted from the trades
 * themselves, and the sum of Binance's own 1m klines of it.
 */
import { Effect, Layer, Result } from "effect"
import { expect, it } from "vitest"
import { klinesAnswer } from "../src/KlinesAnswer.ts"
import { decodeArchiveRow, detectArchiveFormat } from "@blockchaincore/binance/archive/ArchiveRow"
import { decodeFrame } from "@blockchaincore/binance/stream/FrameDecoder"
import { CandleEngine } from "@blockchaincore/core/candle/CandleEngine"
import { INTERVALS } from "@blockchaincore/core/candle/Interval"
import { KLINE_INTERVALS, type KlineInterval, klineWindowOpen } from "@blockchaincore/core/candle/KlineInterval"
import { type KlineRow, klineRow } from "@blockchaincore/core/candle/KlineCsv"
import { formatUnits, parseUnits, PRICE_SCALE } from "@blockchaincore/core/decimal/Decimal"
import { CandleStore } from "@blockchaincore/core/ports/CandleStore"
import type { Trade } from "@blockchaincore/core/trade/Trade"
import { csvRows, describeWithSharedData, recordingFrames } from "@blockchaincore/testkit/sharedData"
import { memoryCandleStore } from "@blockchaincore/testkit/memoryStores"

const ZONES: ReadonlyArray<readonly [string, number]> = [
  ["UTC", 0],
  ["8", 8 * 60],
  ["-1:00", -60],
  ["05:45", 345],
  ["-3:30", -210]
]
const BUILT = KLINE_INTERVALS.filter((i) => i !== "1s")

/** The engine's stored intervals of `trades`, in an SQLite store: what the runtime would hold. */
const storeOf = (trades: ReadonlyArray<Trade>) => {
  const engine = new CandleEngine({ intervals: INTERVALS, graceMillis: 0 })
  for (const symbol of new Set(trades.map((t) => t.symbol)))
    engine.setTrading(symbol, true, Math.max(...trades.filter((t) => t.symbol === symbol).map((t) => t.time)))
  for (const t of trades) engine.apply(t)
  engine.flush()
  const candles = engine.drain().flatMap((o) => (o._tag === "CandleClosed" ? [o.candle] : []))
  return Effect.gen(function* () {
    const store = yield* CandleStore
    yield* store.putCandles(candles)
    return store
  })
}

/** Every window of the answer, paged by startTime as a client pages. */
const allKlines = (store: CandleStore["Service"], symbol: string, interval: KlineInterval, timeZone: number) =>
  Effect.gen(function* () {
    const rows: Array<KlineRow> = []
    let startTime = 0
    for (let page = 0; page < 20; page++) {
      const got = yield* klinesAnswer(store, { symbol, interval, timeZone: timeZone * 60_000, startTime, limit: 1000 })
      if (got.length === 0) break
      rows.push(...got)
      startTime = got.at(-1)![0] + 1
    }
    return rows
  })

/** Each window's kline made straight from its trades, by the window function under test only for the boundaries. */
const fromTrades = (trades: ReadonlyArray<Trade>, interval: KlineInterval, timeZone: number): Map<number, KlineRow> => {
  const byWindow = new Map<number, Array<Trade>>()
  for (const t of trades) {
    const open = klineWindowOpen(interval, timeZone * 60_000, t.time)
    const inWindow = byWindow.get(open)
    if (inWindow === undefined) byWindow.set(open, [t])
    else inWindow.push(t)
  }
  const sum = (xs: ReadonlyArray<bigint>) => xs.reduce((a, b) => a + b, 0n)
  return new Map(
    [...byWindow].map(([open, ts]) => {
      const sorted = [...ts].sort((a, b) => a.firstId - b.firstId)
      const prices = sorted.map((t) => t.price)
      const takers = sorted.filter((t) => !t.buyerIsMaker)
      const row = klineRow({
        openTime: open,
        open: prices[0]!,
        high: prices.reduce((a, b) => (b > a ? b : a)),
        low: prices.reduce((a, b) => (b < a ? b : a)),
        close: prices.at(-1)!,
        volume: sum(sorted.map((t) => t.qty)),
        closeTime: 0,
        quoteVolume: sum(sorted.map((t) => t.price * t.qty)),
        trades: sorted.reduce((n, t) => n + t.lastId - t.firstId + 1, 0),
        takerBuyBaseVolume: sum(takers.map((t) => t.qty)),
        takerBuyQuoteVolume: sum(takers.map((t) => t.price * t.qty)),
        ignore: "0"
      })
      return [open, row] as const
    })
  )
}

const units = (decimal: string): bigint => {
  const u = parseUnits(decimal, 0, decimal.length, PRICE_SCALE)
  if (u === undefined) throw new Error(`not a decimal: ${decimal}`)
  return u
}

const withoutCloseTime = (r: KlineRow) => [r[0], ...r.slice(1, 6), ...r.slice(7)]

const check = (trades: ReadonlyArray<Trade>, symbol: string) =>
  Effect.gen(function* () {
    const store = yield* storeOf(trades)
    const mine = trades.filter((t) => t.symbol === symbol)
    for (const interval of BUILT) {
      for (const [zone, minutes] of ZONES) {
        const rows = yield* allKlines(store, symbol, interval, minutes)
        const expected = fromTrades(mine, interval, minutes)
        const traded = rows.filter((r) => r[8] > 0)
        expect(traded.map(withoutCloseTime), `${symbol} ${interval} timeZone ${zone}`).toEqual([...expected.values()].map(withoutCloseTime))
        // Windows without trades in between are klines too, at the previous close with nothing traded.
        for (const r of rows.filter((r) => r[8] === 0)) expect([r[1], r[5]], `${interval} ${zone} ${r[0]}`).toEqual([r[4], "0.00000000"])
        // Each window ends where the next begins.
        for (const [i, r] of rows.slice(0, -1).entries()) expect(r[6] + 1).toBeLessThanOrEqual(rows[i + 1]![0])
      }
    }
    return store
  })

const run = <A>(effect: Effect.Effect<A, unknown, CandleStore>) =>
  Effect.runPromise(Effect.scoped(effect.pipe(Effect.provide(Layer.fresh(memoryCandleStore())))))

describeWithSharedData("every Binance interval from the stored candles", () => {
  it("the recording (BTCUSDT and ETHUSDT across midnight): every window of 15 intervals in five time zones equals its trades, trade counts included", async () => {
    const trades = recordingFrames().flatMap((f) => {
      const d = decodeFrame(f)
      return d._tag === "Trade" ? [d.trade] : []
    })
    await run(
      Effect.gen(function* () {
        yield* check(trades, "BTCUSDT")
        yield* check(trades, "ETHUSDT")
      })
    )
  })

  it("XRPETH's day from the archive: every window equals its trades and the sum of Binance's own 1m klines of it", async () => {
    const rows = csvRows("XRPETH-aggTrades-2019-10-11.csv")
    const format = detectArchiveFormat(rows[0]!)!
    const trades = rows.map((fields) => Result.getOrThrow(decodeArchiveRow(format, "XRPETH", fields)))
    const binanceMinutes = csvRows("XRPETH-1m-klines-2019-10-11.ohlcv.csv").map(([t, ...ohlcv]) => ({ time: Number(t), ohlcv: ohlcv.map((d) => units(d)) }))
    await run(
      Effect.gen(function* () {
        const store = yield* check(trades, "XRPETH")
        for (const interval of BUILT) {
          for (const [zone, minutes] of ZONES) {
            const answer = yield* allKlines(store, "XRPETH", interval, minutes)
            for (const row of answer.filter((r) => r[8] > 0)) {
              const inside = binanceMinutes.filter((m) => klineWindowOpen(interval, minutes * 60_000, m.time) === row[0] && m.ohlcv[4]! > 0n)
              const ohlcv = [
                inside[0]!.ohlcv[0]!,
                inside.map((m) => m.ohlcv[1]!).reduce((a, b) => (b > a ? b : a)),
                inside.map((m) => m.ohlcv[2]!).reduce((a, b) => (b < a ? b : a)),
                inside.at(-1)!.ohlcv[3]!,
                inside.reduce((s, m) => s + m.ohlcv[4]!, 0n)
              ].map((u) => formatUnits(u, PRICE_SCALE, 8))
              expect(row.slice(1, 6), `XRPETH ${interval} timeZone ${zone} ${row[0]}`).toEqual(ohlcv)
            }
          }
        }
      })
    )
  })
})
