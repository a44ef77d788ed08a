/** A warm start fills the history the anomaly rules need from Binance's klines, keeps candles made here, and never stops the runtime. */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { DEFAULT_RULES, historyNeeded } from "@blockchaincore/core/anomaly/AnomalyConfig"
import type { Candle } from "@blockchaincore/core/candle/Candle"
import { CandleStore } from "@blockchaincore/core/ports/CandleStore"
import { DEFAULT_REST, makeBinanceRest } from "@blockchaincore/binance/rest/BinanceRest"
import { OutboundHttp } from "@blockchaincore/adapters/http/OutboundHttp"
import { warmStart } from "@blockchaincore/backfill/warmStart/WarmStart"
import { layerSqliteCandleStore } from "../src/sqlite/SqliteCandleStore.ts"
import { startHttp10Peer } from "@blockchaincore/testkit/http10Peer"

const NOW = Date.UTC(2026, 10, 27, 12, 30, 15)
const MINUTE = 60_000

/** Binance's klines for 1m, the last `limit` up to the minute open at NOW; `requests` counts them. */
const klinesServer = Effect.acquireRelease(
  Effect.promise(async () => {
    const requests: Array<string> = []
    const server = createServer((req, res) => {
      requests.push(req.url ?? "")
      const url = new URL(req.url ?? "/", "http://x")
      if (url.searchParams.get("symbol") === "DOWNUSDT") return void res.writeHead(503).end("{}")
      const limit = Number(url.searchParams.get("limit"))
      const lastOpen = NOW - (NOW % MINUTE)
      const rows = Array.from({ length: limit }, (_, i) => {
        const open = lastOpen - (limit - 1 - i) * MINUTE
        return [
          open,
          "100.00000000",
          "101.00000000",
          "99.00000000",
          "100.50000000",
          "2.00000000",
          open + MINUTE - 1,
          "201.00000000",
          7,
          "1.00000000",
          "100.50000000",
          "0"
        ]
      })
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(rows))
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server }
  }),
  ({ server }) => Effect.promise(() => new Promise<void>((resolve) => server.close(() => resolve())))
)

const storeLayer = Layer.merge(layerSqliteCandleStore(":memory:"), OutboundHttp)

describe("a warm start", () => {
  it.effect("fills the rules' history from the exchange, marked as its, without the window still open", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      const binance = yield* klinesServer
      const rest = yield* makeBinanceRest({ ...DEFAULT_REST, baseUrl: binance.url, maxAttempts: 1 })
      expect(yield* warmStart(rest, ["BTCUSDT"], ["1m"])).toBe(historyNeeded(DEFAULT_RULES))
      const store = yield* CandleStore
      const stored = yield* store.candles({ symbol: "BTCUSDT", interval: "1m", endTime: NOW, limit: 1000 })
      expect(stored).toHaveLength(60)
      expect(stored.every((c) => c.source === "exchange" && c.complete && c.closeTime < NOW)).toBe(true)
      expect(stored.at(-1)!.openTime).toBe(NOW - (NOW % MINUTE) - MINUTE)
      // Enough history now: a second start asks Binance nothing.
      expect(yield* warmStart(rest, ["BTCUSDT"], ["1m"])).toBe(0)
      expect(binance.requests).toHaveLength(1)
    }).pipe(Effect.scoped, Effect.provide(storeLayer))
  )

  it.effect("keeps candles made here over the exchange's, and only logs when Binance does not answer", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      const binance = yield* klinesServer
      const rest = yield* makeBinanceRest({ ...DEFAULT_REST, baseUrl: binance.url, maxAttempts: 1 })
      const store = yield* CandleStore
      const lastClosed = NOW - (NOW % MINUTE) - MINUTE
      const ours: Candle = {
        symbol: "BTCUSDT",
        interval: "1m",
        openTime: lastClosed,
        open: 1n,
        high: 1n,
        low: 1n,
        close: 1n,
        volume: 1n,
        closeTime: lastClosed + MINUTE - 1,
        quoteVolume: 1n,
        trades: 1,
        takerBuyBaseVolume: 0n,
        takerBuyQuoteVolume: 0n,
        ignore: "0",
        firstTradeId: 5,
        lastTradeId: 5,
        complete: true
      }
      yield* store.putCandles([ours])
      expect(yield* warmStart(rest, ["BTCUSDT", "DOWNUSDT"], ["1m"])).toBe(59)
      const [kept] = yield* store.candles({ symbol: "BTCUSDT", interval: "1m", startTime: lastClosed, endTime: lastClosed, limit: 1 })
      expect(kept).toEqual(ours)
    }).pipe(Effect.scoped, Effect.provide(storeLayer))
  )

  it.effect("completes against a server that answers as HTTP/1.0 servers do (FIN right after each answer), 20 runs of 20", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      const lastOpen = NOW - (NOW % MINUTE)
      const binance = yield* Effect.acquireRelease(
        Effect.promise(() =>
          startHttp10Peer((request) => {
            const limit = Number(new URL(request.path, "http://x").searchParams.get("limit"))
            const rows = Array.from({ length: limit }, (_, i) => {
              const open = lastOpen - (limit - 1 - i) * MINUTE
              return [
                open,
                "100.00000000",
                "101.00000000",
                "99.00000000",
                "100.50000000",
                "2.00000000",
                open + MINUTE - 1,
                "201.00000000",
                7,
                "1.00000000",
                "100.50000000",
                "0"
              ]
            })
            return { status: 200, body: JSON.stringify(rows) }
          })
        ),
        (peer) => Effect.promise(() => peer.close())
      )
      const rest = yield* makeBinanceRest({ ...DEFAULT_REST, baseUrl: binance.url, maxAttempts: 1 })
      for (let i = 0; i < 20; i++) {
        // Each run on a fresh store, so that each asks Binance again.
        const filled = yield* warmStart(rest, ["BTCUSDT", "ETHUSDT"], ["1m", "5m"]).pipe(Effect.provide(layerSqliteCandleStore(":memory:")))
        expect(filled).toBe(4 * historyNeeded(DEFAULT_RULES))
      }
      expect(binance.requests).toHaveLength(80)
    }).pipe(Effect.scoped, Effect.provide(OutboundHttp))
  )
})
