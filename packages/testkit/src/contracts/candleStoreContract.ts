/**
 * What every candle store does, whatever it is built on: one suite, run against each adapter
 * (SQLite locally, DynamoDB on dynalite), so the two runtimes differ only where this says they may.
 * `fresh` gives an empty store and a way to close it (freshStore.ts).
 */
import { describe, expect, it } from "vitest"
import type { Candle } from "@blockchaincore/core/candle/Candle"
import type { CandleStore } from "@blockchaincore/core/ports/CandleStore"
import { candleAt } from "../builders.ts"
import { type Fresh, run, withFresh } from "./freshStore.ts"

const T0 = Date.UTC(2024, 7, 8, 23, 0)
const M = 60_000
const minutes = (symbol: string, count: number): Array<Candle> => Array.from({ length: count }, (_, i) => candleAt(symbol, T0 + i * M))
const openTimes = (candles: ReadonlyArray<Candle>) => candles.map((c) => (c.openTime - T0) / M)

export const candleStoreContract = (adapter: string, fresh: () => Promise<Fresh<CandleStore["Service"]>>) =>
  describe(`the candle store contract: ${adapter}`, () => {
    const withStore = (test: (store: CandleStore["Service"]) => Promise<void>) => withFresh(fresh, test)

    it(
      "gives back every digit of every decimal, and a revision replaces the candle it revises",
      withStore(async (store) => {
        const original = candleAt("BTCUSDT", T0)
        const revised = { ...candleAt("BTCUSDT", T0, "99999999999.99999999"), trades: 43, complete: false }
        await run(store.putCandles([original]))
        expect(await run(store.candles({ symbol: "BTCUSDT", interval: "1m", limit: 10 }))).toEqual([original])
        await run(store.putCandles([revised]))
        expect(await run(store.candles({ symbol: "BTCUSDT", interval: "1m", limit: 10, consistent: true }))).toEqual([revised])
      })
    )

    it(
      "keeps the last of a window written twice in one call",
      withStore(async (store) => {
        const last = { ...candleAt("BTCUSDT", T0, "2.00000000"), trades: 7 }
        await run(store.putCandles([candleAt("BTCUSDT", T0, "1.00000000"), last]))
        expect(await run(store.candles({ symbol: "BTCUSDT", interval: "1m", limit: 10 }))).toEqual([last])
      })
    )

    it(
      "answers ranges as Binance's klines do: bounds inclusive, the first `limit` from a start, else the most recent, always ascending",
      withStore(async (store) => {
        await run(store.putCandles(minutes("ETHUSDT", 40)))
        const ask = (q: { startTime?: number; endTime?: number; limit: number }) =>
          run(store.candles({ symbol: "ETHUSDT", interval: "1m", ...q })).then(openTimes)
        expect(await ask({ limit: 3 })).toEqual([37, 38, 39])
        expect(await ask({ startTime: T0 + 5 * M, limit: 3 })).toEqual([5, 6, 7])
        expect(await ask({ endTime: T0 + 10 * M, limit: 3 })).toEqual([8, 9, 10])
        expect(await ask({ startTime: T0 + 5 * M, endTime: T0 + 7 * M, limit: 100 })).toEqual([5, 6, 7])
        expect(await ask({ startTime: T0 + 50 * M, limit: 10 })).toEqual([])
        expect(await ask({ limit: 100 })).toHaveLength(40)
      })
    )

    it(
      "keeps each symbol and interval apart",
      withStore(async (store) => {
        const hour = { ...candleAt("BTCUSDT", T0), interval: "1h" as const, closeTime: T0 + 3_600_000 - 1 }
        await run(store.putCandles([candleAt("BTCUSDT", T0), hour, candleAt("ETHUSDT", T0 + M)]))
        expect(await run(store.candles({ symbol: "BTCUSDT", interval: "1m", limit: 10 }))).toEqual([candleAt("BTCUSDT", T0)])
        expect(await run(store.candles({ symbol: "BTCUSDT", interval: "1h", limit: 10 }))).toEqual([hour])
        expect(await run(store.candles({ symbol: "ETHUSDT", interval: "1h", limit: 10 }))).toEqual([])
      })
    )

    it(
      "deletes retracted candles, and a key it does not hold is no error",
      withStore(async (store) => {
        await run(store.putCandles(minutes("BTCUSDT", 3)))
        await run(
          store.deleteCandles([
            { symbol: "BTCUSDT", interval: "1m", openTime: T0 + M },
            { symbol: "SOLUSDT", interval: "1m", openTime: T0 }
          ])
        )
        expect(openTimes(await run(store.candles({ symbol: "BTCUSDT", interval: "1m", limit: 10 })))).toEqual([0, 2])
      })
    )

    it(
      "lists the symbols it holds candles of, sorted, however they came (the processor, a backfill, a warm start)",
      withStore(async (store) => {
        expect(await run(store.symbols())).toEqual([])
        await run(store.putCandles([candleAt("SOLUSDT", T0)]))
        await run(store.putCandles([candleAt("BTCUSDT", T0), candleAt("BTCUSDT", T0 + M), candleAt("ADAUSDT", T0)]))
        await run(store.putCandles([candleAt("BTCUSDT", T0 + 2 * M)]))
        expect(await run(store.symbols())).toEqual(["ADAUSDT", "BTCUSDT", "SOLUSDT"])
      })
    )
  })
