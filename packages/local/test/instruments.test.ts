/** Instruments come from Binance when it answers, then from the cache it left, then from the bundled excerpt. */
import { createServer } from "node:http"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { expect, it } from "vitest"
import { OutboundHttp } from "@blockchaincore/adapters/http/OutboundHttp"
import { loadInstruments } from "../src/runtime/Instruments.ts"

const EXCHANGE_INFO = {
  timezone: "UTC",
  symbols: [{
    symbol: "SOLUSDT", status: "TRADING", baseAsset: "SOL", quoteAsset: "USDT",
    filters: [{ filterType: "PRICE_FILTER", minPrice: "0.01000000", maxPrice: "10000.00000000", tickSize: "0.01000000" }, { filterType: "LOT_SIZE", minQty: "0.00100000", maxQty: "9000000.00000000", stepSize: "0.00100000" }]
  }]
}

it("asks Binance, caches its answer, and falls back to the cache and then the bundled excerpt", async () => {
  const dir = mkdtempSync(join(tmpdir(), "blockchaincore-instruments-"))
  const requests: Array<string> = []
  const server = createServer((req, res) => {
    requests.push(req.url ?? "")
    res.writeHead(200, { "content-type": "application/json" })
    res.end(JSON.stringify(EXCHANGE_INFO))
  })
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
  const address = server.address()
  const url = `http://127.0.0.1:${address !== null && typeof address === "object" ? address.port : 0}`
  const live = await Effect.runPromise(loadInstruments(url, ["SOLUSDT"], dir).pipe(Effect.provide(OutboundHttp)))
  expect(live).toEqual({ source: "binance", instruments: [{ symbol: "SOLUSDT", baseAsset: "SOL", quoteAsset: "USDT", tickSize: 1_000_000n, stepSize: 100_000n }] })
  expect(requests[0]).toBe(`/api/v3/exchangeInfo?symbols=${encodeURIComponent('["SOLUSDT"]')}`)
  await new Promise<void>((r) => server.close(() => r()))

  const cached = await Effect.runPromise(loadInstruments(url, ["SOLUSDT"], dir).pipe(Effect.provide(OutboundHttp)))
  expect(cached.source).toBe("cache")
  expect(cached.instruments).toEqual(live.instruments)

  const bundled = await Effect.runPromise(loadInstruments(url, ["BTCUSDT"], mkdtempSync(join(tmpdir(), "blockchaincore-instruments-"))).pipe(Effect.provide(OutboundHttp)))
  expect(bundled.source).toBe("bundled")
  expect(bundled.instruments.some((i) => i.symbol === "BTCUSDT")).toBe(true)
})
