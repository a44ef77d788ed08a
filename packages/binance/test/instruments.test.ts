/** Instruments come from Binance when it answers (through the process's one REST client), then from the answer kept, then from the bundled excerpt. */
import { createServer } from "node:http"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { DEFAULT_REST, ExchangeRest } from "../src/rest/BinanceRest.ts"
import { OutboundHttp } from "@blockchaincore/adapters/http/OutboundHttp"
import { loadInstruments as load } from "../src/instruments/Instruments.ts"

/** The loader against the exchange at `url`, through a REST client of its own. */
const loadInstruments = (url: string, symbols: ReadonlyArray<string>, dir: string) =>
  load(symbols, join(dir, "exchangeInfo.json")).pipe(Effect.provide(ExchangeRest.layer({ ...DEFAULT_REST, baseUrl: url, maxAttempts: 1 })))

const EXCHANGE_INFO = {
  timezone: "UTC",
  symbols: [
    {
      symbol: "SOLUSDT",
      status: "TRADING",
      baseAsset: "SOL",
      quoteAsset: "USDT",
      filters: [
        { filterType: "PRICE_FILTER", minPrice: "0.01000000", maxPrice: "10000.00000000", tickSize: "0.01000000" },
        { filterType: "LOT_SIZE", minQty: "0.00100000", maxQty: "9000000.00000000", stepSize: "0.00100000" }
      ]
    }
  ]
}

/** A loopback Binance answering exchangeInfo, closed with the scope; its URL and the paths it was asked. */
const exchange = Effect.acquireRelease(
  Effect.promise(async () => {
    const requests: Array<string> = []
    const server = createServer((req, res) => {
      requests.push(req.url ?? "")
      res.writeHead(200, { "content-type": "application/json" })
      res.end(JSON.stringify(EXCHANGE_INFO))
    })
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
    const address = server.address()
    return { server, requests, url: `http://127.0.0.1:${address !== null && typeof address === "object" ? address.port : 0}` }
  }),
  ({ server }) => Effect.promise(() => new Promise<void>((r) => server.close(() => r())))
)

it.live("asks Binance, caches its answer, and falls back to the cache and then the bundled excerpt", () =>
  Effect.gen(function* () {
    const dir = mkdtempSync(join(tmpdir(), "blockchaincore-instruments-"))
    const { url, live } = yield* Effect.scoped(
      Effect.gen(function* () {
        const { url, requests } = yield* exchange
        const live = yield* loadInstruments(url, ["SOLUSDT"], dir)
        expect(live).toEqual({
          source: "binance",
          instruments: [{ symbol: "SOLUSDT", baseAsset: "SOL", quoteAsset: "USDT", tickSize: 1_000_000n, stepSize: 100_000n }]
        })
        expect(requests[0]).toBe(`/api/v3/exchangeInfo?symbols=${encodeURIComponent('["SOLUSDT"]')}&showPermissionSets=false`)
        return { url, live }
      })
    )

    // Binance gone: the cache it left answers.
    const cached = yield* loadInstruments(url, ["SOLUSDT"], dir)
    expect(cached.source).toBe("cache")
    expect(cached.instruments).toEqual(live.instruments)

    const bundled = yield* loadInstruments(url, ["BTCUSDT"], mkdtempSync(join(tmpdir(), "blockchaincore-instruments-")))
    expect(bundled.source).toBe("bundled")
    expect(bundled.instruments.some((i) => i.symbol === "BTCUSDT")).toBe(true)
  }).pipe(Effect.provide(OutboundHttp))
)

it.live("asks for every symbol without naming them above 100: a URL of 2,000 would pass common 8 KB limits", () =>
  Effect.gen(function* () {
    const symbols = [...Array.from({ length: 150 }, (_, i) => `FAKE${i}USDT`), "SOLUSDT"]
    const { requests, loaded } = yield* Effect.scoped(
      Effect.gen(function* () {
        const { url, requests } = yield* exchange
        return { requests, loaded: yield* loadInstruments(url, symbols, mkdtempSync(join(tmpdir(), "blockchaincore-instruments-"))) }
      })
    )
    expect(requests).toEqual(["/api/v3/exchangeInfo?showPermissionSets=false"])
    expect(loaded.instruments.map((i) => i.symbol)).toEqual(["SOLUSDT"])
  }).pipe(Effect.provide(OutboundHttp))
)
