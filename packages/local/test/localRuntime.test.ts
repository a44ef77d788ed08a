/**
 * The whole local pipeline on the real recording: replay server, producer, queue, pipe,
 * processor, store, bus and HTTP API in one process. The stored candles must be those of
 * `blockchaincore candles` on the same file, through every kind of delivery and a restart.
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import ccxt from "ccxt"
import { Effect, Schema } from "effect"
import { expect, it } from "vitest"
import { PipelineHealth } from "@blockchaincore/core/health/PipelineHealth"
import { queryArchive } from "../src/duckdb/ArchiveQuery.ts"
import { loadRecording } from "@blockchaincore/replay/Recording"
import { type LocalRuntime, runLocalRuntime } from "../src/runtime/LocalRuntime.ts"
type Runtime = LocalRuntime["Service"]
import { describeWithSharedData, RECORDING, sharedFile } from "@blockchaincore/testkit/sharedData"
import { expectedKlines, klines } from "./support/klines.ts"

const TRADES = 34_419

/** Every recorded trade id is in the archive exactly once (Parquet files and staging together). */
const expectArchiveExact = async (dir: string) => {
  const result = await Effect.runPromise(queryArchive(dir, "SELECT symbol, trade_id, count(*) AS n FROM trades GROUP BY ALL ORDER BY symbol, trade_id"))
  const recorded = loadRecording(sharedFile(RECORDING)).map((f) => [f.trade.symbol, String(f.trade.firstId), "1"])
  expect(result.rows).toEqual([...recorded].sort((a, b) => (a[0]! + a[1]!.padStart(12, "0") < b[0]! + b[1]!.padStart(12, "0") ? -1 : 1)))
}

/** Runs the runtime until every trade has been processed (bounded), then lets `check` look, then stops it. */
const runUntilProcessed = <A>(
  dataDir: string,
  options: { deliverTwice?: boolean; speed?: number; stopAfterTrades?: number },
  check: (rt: Runtime) => Promise<A>
) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const rt = yield* runLocalRuntime({
          symbols: undefined,
          wsUrl: "ws://unused",
          restUrl: "http://unused",
          replay: { file: sharedFile(RECORDING), speed: options.speed },
          dataDir,
          port: 0,
          bus: { keepHistory: true },
          ...(options.deliverTwice === true ? { deliverTwice: true } : {})
        })
        const target = options.stopAfterTrades ?? TRADES
        // Done when the queue has taken the trades (the batcher holds them up to a second; after a
        // restart, those already processed are dropped as duplicates) and the pipe has processed
        // every batch (a batch leaves the queue only once processed).
        const taken = () => rt.queue.tradesAccepted + rt.metrics().counters.duplicatesDropped
        yield* rt.queue.until(() => taken() >= target && rt.queue.depth === 0, 60_000)
        return yield* Effect.promise(() => check(rt))
      })
    )
  )

describeWithSharedData("the local runtime on the real recording", () => {
  it("stores exactly the candles of `blockchaincore candles`, and serves them as Binance klines", async () => {
    const dir = mkdtempSync(join(tmpdir(), "blockchaincore-runtime-"))
    const expected1m = await expectedKlines("1m")
    const expected5m = await expectedKlines("5m")
    await runUntilProcessed(dir, {}, async (rt) => {
      for (const symbol of ["BTCUSDT", "ETHUSDT"]) {
        const served = await klines(rt.port, symbol)
        expect(served.slice(0, expected1m.get(symbol)!.length)).toEqual(expected1m.get(symbol))
        const served5m = await klines(rt.port, symbol, "5m")
        expect(served5m.slice(0, expected5m.get(symbol)!.length)).toEqual(expected5m.get(symbol))
      }
      expect(rt.bus.published.filter((e) => e._tag === "CandleClosed").length).toBeGreaterThan(20)
      expect(rt.pipe.failures).toBe(0)
      const get = (path: string) => fetch(`http://127.0.0.1:${rt.port}${path}`)
      const info = await (await get("/api/v3/exchangeInfo")).json()
      expect(JSON.stringify(info)).toContain('{"symbol":"BTCUSDT","status":"TRADING","baseAsset":"BTC","quoteAsset":"USDT"')
      const health = Schema.decodeUnknownSync(PipelineHealth)(await (await get("/health")).json())
      expect(health).toMatchObject({ status: "ok", queueDepth: 0, connectionsUp: 1, gapsOpen: 0 })
      expect(health.symbols.map((s) => s.symbol)).toEqual(["BTCUSDT", "ETHUSDT"])
      expect(health.symbols.every((s) => s.lastTradeTime !== null && s.tradesPerSecond >= 0)).toBe(true)
      const metrics = await (await get("/metrics")).text()
      expect(metrics).toContain('blockchaincore_trades_total{symbol="BTCUSDT"} 19904')
      expect(metrics).toMatch(/# TYPE blockchaincore_queue_depth gauge\nblockchaincore_queue_depth 0/)
      const bad = await get("/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=5000")
      expect(bad.status).toBe(400)
      expect(JSON.stringify(await bad.json())).toContain("limit must be an integer from 1 to 1000")
      // ccxt, Binance's most used client library, reads the klines as it reads Binance's.
      const exchange = new ccxt.binance({ urls: { api: { public: `http://127.0.0.1:${rt.port}/api/v3` } } })
      const raw: unknown = await exchange.publicGetKlines({ symbol: "BTCUSDT", interval: "1m", startTime: 0, limit: 3 })
      const ohlcv = exchange.parseOHLCVs([...Schema.decodeUnknownSync(Schema.Array(Schema.Array(Schema.Unknown)))(raw)])
      const first = expected1m.get("BTCUSDT")![0]!
      expect(ohlcv[0]).toEqual([first[0], Number(first[1]), Number(first[2]), Number(first[3]), Number(first[4]), Number(first[5])])
      // Binance's codes for what was wrong, and its shape for an endpoint that does not exist.
      expect(await (await get("/api/v3/klines?symbol=btc&interval=1m")).json()).toMatchObject({ code: -1121 })
      expect(await (await get("/api/v3/klines?symbol=BTCUSDT&interval=7m")).json()).toMatchObject({ code: -1120 })
      expect(await (await get("/api/v3/klines?interval=1m")).json()).toMatchObject({ code: -1102 })
      const missing = await get("/api/v3/nothing")
      expect([missing.status, await missing.json()]).toEqual([404, { code: -1, msg: "No such endpoint: GET /api/v3/nothing" }])
      // The API's own description, and a reference to browse it.
      const openapi: unknown = await (await get("/api/openapi.json")).json()
      expect(JSON.stringify(openapi)).toContain('"/api/v3/klines"')
      const docs = await get("/docs")
      expect([docs.status, docs.headers.get("content-type")]).toEqual([200, expect.stringContaining("text/html")])
      const limited = await (await get("/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=2")).json()
      expect(Array.isArray(limited) && limited.length).toBe(2)
    })
    await expectArchiveExact(dir)
  })

  it("stores the same candles when every batch is delivered twice", async () => {
    const dir = mkdtempSync(join(tmpdir(), "blockchaincore-runtime-"))
    const expected = await expectedKlines("1m")
    await runUntilProcessed(dir, { deliverTwice: true }, async (rt) => {
      expect(rt.pipe.redeliveries).toBeGreaterThan(0)
      for (const symbol of ["BTCUSDT", "ETHUSDT"]) {
        const served = await klines(rt.port, symbol)
        expect(served.slice(0, expected.get(symbol)!.length)).toEqual(expected.get(symbol))
      }
      const closed = rt.bus.published.filter((e) => e._tag === "CandleClosed").map((e) => e.id)
      // Redelivery repeats nothing: the second delivery applies no trade, so it closes no window.
      expect(new Set(closed).size).toBe(closed.length)
    })
    await expectArchiveExact(dir)
  })

  it("continues after a stop mid-replay without losing or double counting a trade", async () => {
    const dir = mkdtempSync(join(tmpdir(), "blockchaincore-runtime-"))
    const expected = await expectedKlines("1m")
    await runUntilProcessed(dir, { speed: 300, stopAfterTrades: 12_000 }, async (rt) => {
      const served = await klines(rt.port, "BTCUSDT")
      expect(served.length).toBeLessThan(expected.get("BTCUSDT")!.length)
    })
    await runUntilProcessed(dir, {}, async (rt) => {
      for (const symbol of ["BTCUSDT", "ETHUSDT"]) {
        const served = await klines(rt.port, symbol)
        expect(served.slice(0, expected.get(symbol)!.length)).toEqual(expected.get(symbol))
      }
    })
    await expectArchiveExact(dir)
  })
})
