/**
 * The local runtime's HTTP API on 127.0.0.1. Candles are served through Binance's own REST
 * shapes (`/api/v3/klines`, `/api/v3/exchangeInfo`), so existing Binance clients and charting
 * tools read them unchanged; plus `/health` and `/metrics` (Prometheus text format). Every query
 * is decoded with a schema; a bad one gets Binance's error shape with what was wrong.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import { Effect, Result, Schema } from "effect"
import { Interval } from "@blockchaincore/core/candle/Interval"
import { klineRow } from "@blockchaincore/core/candle/KlineCsv"
import type { CandleStore } from "@blockchaincore/core/ports/CandleStore"
import { SymbolName } from "@blockchaincore/core/trade/Trade"
import { AnomalyDetected, AnomalyRule, Severity } from "@blockchaincore/core/events/DomainEvent"
import type { InProcessEventBus } from "../bus/InProcessEventBus.ts"

const IntFromString = (what: string, minimum: number, maximum: number) =>
  Schema.FiniteFromString.check(Schema.isInt(), Schema.isBetween({ minimum, maximum }, { message: `${what} must be an integer from ${minimum} to ${maximum}` }))

export const KlinesQuery = Schema.Struct({
  symbol: SymbolName,
  interval: Interval,
  startTime: Schema.optionalKey(IntFromString("startTime", 0, Number.MAX_SAFE_INTEGER)),
  endTime: Schema.optionalKey(IntFromString("endTime", 0, Number.MAX_SAFE_INTEGER)),
  limit: Schema.optionalKey(IntFromString("limit", 1, 1000))
})

export const AnomaliesQuery = Schema.Struct({
  symbol: Schema.optionalKey(SymbolName),
  rule: Schema.optionalKey(AnomalyRule),
  severity: Schema.optionalKey(Severity),
  limit: Schema.optionalKey(IntFromString("limit", 1, 1000))
})

export const AlertsQuery = Schema.Struct({
  symbol: Schema.optionalKey(SymbolName),
  rule: Schema.optionalKey(AnomalyRule),
  limit: Schema.optionalKey(IntFromString("limit", 1, 1000))
})

export interface ApiSources {
  readonly store: CandleStore["Service"]
  readonly bus: InProcessEventBus
  readonly health: () => Record<string, unknown>
  readonly metrics: () => string
}

/** Known quote assets, longest first, to split a symbol into base and quote for exchangeInfo. */
const QUOTES = ["FDUSD", "USDT", "USDC", "TUSD", "BUSD", "BTC", "ETH", "BNB", "EUR", "TRY", "BRL"]

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" })
  res.end(JSON.stringify(body))
}

const handle = async (sources: ApiSources, req: IncomingMessage, res: ServerResponse): Promise<void> => {
  const url = new URL(req.url ?? "/", "http://127.0.0.1")
  if (req.method !== "GET") return json(res, 405, { code: -1, msg: "Only GET" })
  switch (url.pathname) {
    case "/api/v3/klines": {
      const query = Schema.decodeUnknownResult(KlinesQuery)(Object.fromEntries(url.searchParams))
      if (Result.isFailure(query)) return json(res, 400, { code: -1100, msg: query.failure.message.replace(/\s*\n\s*/g, "; ") })
      const q = query.success
      const candles = await Effect.runPromise(
        sources.store.candles({ symbol: q.symbol, interval: q.interval, limit: q.limit ?? 500, ...(q.startTime === undefined ? {} : { startTime: q.startTime }), ...(q.endTime === undefined ? {} : { endTime: q.endTime }) })
      )
      return json(res, 200, candles.map(klineRow))
    }
    case "/api/v3/exchangeInfo": {
      const symbols = await Effect.runPromise(sources.store.symbols())
      return json(res, 200, {
        timezone: "UTC",
        serverTime: Date.now(),
        rateLimits: [],
        exchangeFilters: [],
        symbols: symbols.map((symbol) => {
          const quote = QUOTES.find((q) => symbol.endsWith(q) && symbol.length > q.length) ?? ""
          return { symbol, status: "TRADING", baseAsset: symbol.slice(0, symbol.length - quote.length), quoteAsset: quote, isSpotTradingAllowed: true, permissions: ["SPOT"] }
        })
      })
    }
    case "/api/anomalies": {
      const query = Schema.decodeUnknownResult(AnomaliesQuery)(Object.fromEntries(url.searchParams))
      if (Result.isFailure(query)) return json(res, 400, { code: -1100, msg: query.failure.message.replace(/\s*\n\s*/g, "; ") })
      const q = query.success
      const found = sources.bus.recentAnomalies.filter((a) =>
        (q.symbol === undefined || a.candle.symbol === q.symbol) && (q.rule === undefined || a.rule === q.rule) && (q.severity === undefined || a.severity === q.severity)
      )
      return json(res, 200, found.slice(-(q.limit ?? 100)).reverse().map((a) => Schema.encodeSync(AnomalyDetected)(a)))
    }
    case "/api/alerts": {
      const query = Schema.decodeUnknownResult(AlertsQuery)(Object.fromEntries(url.searchParams))
      if (Result.isFailure(query)) return json(res, 400, { code: -1100, msg: query.failure.message.replace(/\s*\n\s*/g, "; ") })
      const q = query.success
      const found = sources.bus.recentAlerts.filter((a) => (q.symbol === undefined || a.symbol === q.symbol) && (q.rule === undefined || a.rule === q.rule))
      return json(res, 200, found.slice(-(q.limit ?? 100)).reverse())
    }
    case "/health":
      return json(res, 200, sources.health())
    case "/metrics":
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" })
      return void res.end(sources.metrics())
    default:
      return json(res, 404, { code: -1, msg: `No such endpoint: ${url.pathname}` })
  }
}

/** Starts the API on 127.0.0.1:`port` (0: any free port); resolves with the server and its port. */
export const startHttpApi = (sources: ApiSources, port: number): Promise<{ readonly server: Server; readonly port: number }> =>
  new Promise((resolve, reject) => {
    const server = createServer((req, res) => {
      handle(sources, req, res).catch((e: unknown) => json(res, 500, { code: -1000, msg: e instanceof Error ? e.message : String(e) }))
    })
    server.once("error", reject)
    server.listen(port, "127.0.0.1", () => {
      const address = server.address()
      if (address === null || typeof address === "string") reject(new Error("the API is not on a TCP port"))
      else resolve({ server, port: address.port })
    })
  })
