/**
 * The read-only API, one definition for every side of it: the local runtime serves it, the AWS
 * API function serves it, the dashboard calls it through a client derived from it, and `/docs`
 * is generated from it. Candles are in Binance's own REST shapes (`/api/v3/klines`,
 * `/api/v3/exchangeInfo`), so existing Binance clients and charting tools read them unchanged;
 * errors are in Binance's shape (BinanceError.ts). Nothing here runs on a server only: the
 * dashboard bundles this file.
 */
import { Schema } from "effect"
import { HttpApi, HttpApiEndpoint, HttpApiGroup, HttpApiMiddleware, OpenApi } from "effect/http-api"
import { KlineInterval, TimeZone } from "@blockchaincore/core/candle/KlineInterval"
import { AlertSent, AnomalyDetected, AnomalyRule, Severity } from "@blockchaincore/core/events/DomainEvent"
import { PipelineHealth, ReconciliationHealth } from "@blockchaincore/core/health/PipelineHealth"
import { SymbolName } from "@blockchaincore/core/trade/Trade"
import { BadRequest, NotFound, Unavailable } from "./BinanceError.ts"

const IntFromString = (what: string, minimum: number, maximum: number) =>
  Schema.FiniteFromString.check(Schema.isInt(), Schema.isBetween({ minimum, maximum }, { message: `${what} must be an integer from ${minimum} to ${maximum}` }))

const Limit = IntFromString("limit", 1, 1000)

const KlinesQuery = Schema.Struct({
  symbol: SymbolName,
  interval: KlineInterval,
  timeZone: Schema.optionalKey(TimeZone),
  startTime: Schema.optionalKey(IntFromString("startTime", 0, Number.MAX_SAFE_INTEGER)),
  endTime: Schema.optionalKey(IntFromString("endTime", 0, Number.MAX_SAFE_INTEGER)),
  limit: Schema.optionalKey(Limit)
})

/**
 * A Binance kline row: open time, open, high, low, close, volume, close time, quote volume,
 * trades, taker buy base volume, taker buy quote volume, ignore. Decimals as exact strings.
 */
export const KlineRow = Schema.Tuple([
  Schema.Number,
  Schema.String,
  Schema.String,
  Schema.String,
  Schema.String,
  Schema.String,
  Schema.Number,
  Schema.String,
  Schema.Number,
  Schema.String,
  Schema.String,
  Schema.String
])
export type KlineRow = typeof KlineRow.Type

const ListedSymbol = Schema.Struct({
  symbol: Schema.String,
  status: Schema.String,
  baseAsset: Schema.String,
  quoteAsset: Schema.String,
  isSpotTradingAllowed: Schema.Boolean,
  permissions: Schema.Array(Schema.String)
})

/** The part of Binance's exchangeInfo a chart or a client needs to list what is served. */
const ExchangeInfoAnswer = Schema.Struct({
  timezone: Schema.String,
  serverTime: Schema.Number,
  rateLimits: Schema.Array(Schema.Unknown),
  exchangeFilters: Schema.Array(Schema.Unknown),
  symbols: Schema.Array(ListedSymbol)
})

const AnomaliesQuery = Schema.Struct({
  symbol: Schema.optionalKey(SymbolName),
  rule: Schema.optionalKey(AnomalyRule),
  severity: Schema.optionalKey(Severity),
  limit: Schema.optionalKey(Limit)
})

const AlertsQuery = Schema.Struct({
  symbol: Schema.optionalKey(SymbolName),
  rule: Schema.optionalKey(AnomalyRule),
  limit: Schema.optionalKey(Limit)
})

/** What a deployment without the producer in its process (AWS) can say of itself: whether its store answers. */
export const StoreHealth = Schema.Struct({
  status: Schema.Literals(["ok", "degraded"]),
  symbols: Schema.Array(Schema.String),
  problem: Schema.optionalKey(Schema.String),
  reconciliation: Schema.optionalKey(ReconciliationHealth)
})
export type StoreHealth = typeof StoreHealth.Type

/**
 * Turns a query that does not decode into Binance's 400 (which code, from what was wrong), and a
 * store that cannot answer into a 503. Every endpoint has it.
 */
export class BinanceErrors extends HttpApiMiddleware.Service<BinanceErrors>()("@blockchaincore/api/BinanceErrors", {
  error: [BadRequest, Unavailable]
}) {}

class MarketApi extends HttpApiGroup.make("market", { topLevel: true }).add(
  HttpApiEndpoint.get("klines", "/api/v3/klines", { query: KlinesQuery, success: Schema.Array(KlineRow) }).annotate(
    OpenApi.Description,
    "Candles in Binance's kline shape; the most recent `limit` (500 by default) unless `startTime` is given"
  ),
  HttpApiEndpoint.get("exchangeInfo", "/api/v3/exchangeInfo", { success: ExchangeInfoAnswer }).annotate(OpenApi.Description, "The symbols served")
) {}

class HistoryApi extends HttpApiGroup.make("history", { topLevel: true }).add(
  HttpApiEndpoint.get("anomalies", "/api/anomalies", { query: AnomaliesQuery, success: Schema.Array(AnomalyDetected), error: NotFound }).annotate(
    OpenApi.Description,
    "Recent anomalies, newest first (filters apply to the most recent thousand)"
  ),
  HttpApiEndpoint.get("alerts", "/api/alerts", { query: AlertsQuery, success: Schema.Array(AlertSent), error: NotFound }).annotate(
    OpenApi.Description,
    "Recent alerts, newest first"
  )
) {}

const Health = Schema.Union([PipelineHealth, StoreHealth])

class SystemApi extends HttpApiGroup.make("system", { topLevel: true }).add(
  HttpApiEndpoint.get("health", "/health", { success: Health }).annotate(
    OpenApi.Description,
    "The pipeline's health: the producer's connections, per symbol the last trade's age, gaps, queue depth (locally); whether the store answers (on AWS)"
  ),
  // On AWS only `/api/*` reaches the function (CloudFront's one signed route to it: stacks/web.ts).
  HttpApiEndpoint.get("apiHealth", "/api/health", { success: Health }).annotate(
    OpenApi.Description,
    "The same as `/health`, under the API's prefix: the path the dashboard asks, on both runtimes"
  )
) {}

export class ReadApi extends HttpApi.make("blockchaincore")
  .add(MarketApi)
  .add(HistoryApi)
  .add(SystemApi)
  .middleware(BinanceErrors)
  .annotateMerge(
    OpenApi.annotations({
      title: "BlockchainCore read API",
      description:
        'Candles with exactly the numbers of Binance\'s klines, the anomalies found in them and the alerts sent. Errors are Binance\'s `{"code", "msg"}`.'
    })
  ) {}
