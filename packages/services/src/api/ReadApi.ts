/**
 * The read-only API, whatever carries it: the local runtime's HTTP server and the AWS API
 * function both hand it a method, a path and query parameters and send back its answer. Candles
 * are served in Binance's own REST shapes (`/api/v3/klines`, `/api/v3/exchangeInfo`), so existing
 * Binance clients and charting tools read them unchanged. Every query is decoded with a schema; a
 * bad one gets Binance's error shape with what was wrong.
 */
import { Effect, Result, Schema } from "effect"
import { Interval } from "@blockchaincore/core/candle/Interval"
import { klineRow } from "@blockchaincore/core/candle/KlineCsv"
import { AlertSent, AnomalyDetected, AnomalyRule, Severity } from "@blockchaincore/core/events/DomainEvent"
import type { EventHistory } from "@blockchaincore/core/ports/EventHistory"
import type { CandleStore } from "@blockchaincore/core/ports/CandleStore"
import { SymbolName } from "@blockchaincore/core/trade/Trade"

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

const HISTORY_WINDOW = 1_000

export interface ApiSources {
  readonly store: CandleStore["Service"]
  /** The symbols exchangeInfo lists: the configured ones where known, else those with candles. */
  readonly symbols?: () => ReadonlyArray<string>
  /** Absent where the deployment keeps no history: those endpoints answer 404. */
  readonly history?: EventHistory["Service"]
  readonly health: () => Effect.Effect<Record<string, unknown>>
  readonly metrics?: () => string
}

export interface ApiAnswer {
  readonly status: number
  readonly contentType: string
  readonly body: string
}

/** Known quote assets, longest first, to split a symbol into base and quote for exchangeInfo. */
const QUOTES = ["FDUSD", "USDT", "USDC", "TUSD", "BUSD", "BTC", "ETH", "BNB", "EUR", "TRY", "BRL"]

const json = (status: number, body: unknown): ApiAnswer => ({ status, contentType: "application/json", body: JSON.stringify(body) })

const badQuery = (e: { readonly message: string }) => json(400, { code: -1100, msg: e.message.replace(/\s*\n\s*/g, "; ") })

export const answer = (sources: ApiSources, method: string, path: string, params: URLSearchParams): Effect.Effect<ApiAnswer> =>
  route(sources, method, path, Object.fromEntries(params)).pipe(
    Effect.catch((e) => Effect.succeed(json(503, { code: -1001, msg: `${e._tag}: ${e.message}` })))
  )

const route = (sources: ApiSources, method: string, path: string, params: Record<string, string>) =>
  Effect.gen(function*() {
  if (method !== "GET") return json(405, { code: -1, msg: "Only GET" })
  switch (path) {
    case "/api/v3/klines": {
      const query = Schema.decodeUnknownResult(KlinesQuery)(params)
      if (Result.isFailure(query)) return badQuery(query.failure)
      const q = query.success
      const candles = yield* (
        sources.store.candles({ symbol: q.symbol, interval: q.interval, limit: q.limit ?? 500, ...(q.startTime === undefined ? {} : { startTime: q.startTime }), ...(q.endTime === undefined ? {} : { endTime: q.endTime }) })
      )
      return json(200, candles.map(klineRow))
    }
    case "/api/v3/exchangeInfo": {
      const symbols = sources.symbols === undefined ? yield* sources.store.symbols() : sources.symbols()
      return json(200, {
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
      const query = Schema.decodeUnknownResult(AnomaliesQuery)(params)
      if (Result.isFailure(query)) return badQuery(query.failure)
      const q = query.success
      if (sources.history === undefined) return json(404, { code: -1, msg: "This deployment keeps no anomaly history" })
      // Filters apply to the most recent thousand.
      const found = (yield* sources.history.anomalies(HISTORY_WINDOW)).filter((a) =>
        (q.symbol === undefined || a.candle.symbol === q.symbol) && (q.rule === undefined || a.rule === q.rule) && (q.severity === undefined || a.severity === q.severity)
      )
      return json(200, found.slice(0, q.limit ?? 100).map((a) => Schema.encodeSync(AnomalyDetected)(a)))
    }
    case "/api/alerts": {
      const query = Schema.decodeUnknownResult(AlertsQuery)(params)
      if (Result.isFailure(query)) return badQuery(query.failure)
      const q = query.success
      if (sources.history === undefined) return json(404, { code: -1, msg: "This deployment keeps no alert history" })
      const found = (yield* sources.history.alerts(HISTORY_WINDOW)).filter((a) => (q.symbol === undefined || a.symbol === q.symbol) && (q.rule === undefined || a.rule === q.rule))
      return json(200, found.slice(0, q.limit ?? 100).map((a) => Schema.encodeSync(AlertSent)(a)))
    }
    case "/health":
      return json(200, yield* sources.health())
    case "/metrics":
      if (sources.metrics === undefined) return json(404, { code: -1, msg: "No metrics here: see CloudWatch" })
      return { status: 200, contentType: "text/plain; version=0.0.4", body: sources.metrics() }
    default:
      return json(404, { code: -1, msg: `No such endpoint: ${path}` })
  }
  })

