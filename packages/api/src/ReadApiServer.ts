/**
 * The read API (ReadApi.ts) implemented over the ports: the candle store, the event history, and
 * what the deployment says of the symbols it serves and of its health. As routes: the API and its
 * OpenAPI document at `/api/openapi.json` (under the API's prefix: on AWS only `/api/*` reaches the function) (the local runtime adds a browsable reference at `/docs`). The local runtime
 * serves these routes with Node's HTTP server; the AWS API function turns them into a web handler.
 */
import { Clock, Context, Effect, Layer, Schema, SchemaIssue } from "effect"
import { HttpApiBuilder, HttpApiError } from "effect/http-api"
import { oneLine } from "@blockchaincore/core/errors/errorMessage"
import type { PipelineHealth } from "@blockchaincore/core/health/PipelineHealth"
import { CandleStore } from "@blockchaincore/core/ports/CandleStore"
import { type StoreUnavailable } from "@blockchaincore/core/ports/StoreErrors"
import { EventHistory } from "@blockchaincore/core/ports/EventHistory"
import type { BadRequest } from "./BinanceError.ts"
import { klinesAnswer } from "./KlinesAnswer.ts"
import { BinanceErrors, ReadApi, type StoreHealth } from "./ReadApi.ts"

/** The symbols exchangeInfo lists: the configured ones where known, else those with candles. */
export class ServedSymbols extends Context.Service<
  ServedSymbols,
  {
    readonly list: Effect.Effect<ReadonlyArray<string>, StoreUnavailable>
  }
>()("@blockchaincore/api/ServedSymbols") {
  /** Those the candle store has candles of. */
  static readonly fromStore = Layer.effect(
    ServedSymbols,
    Effect.gen(function* () {
      const store = yield* CandleStore
      return { list: store.symbols() }
    })
  )
  static readonly fixed = (symbols: ReadonlyArray<string>) => Layer.succeed(ServedSymbols, { list: Effect.succeed(symbols) })
}

/** The deployment's health as `/health` reports it. */
export class HealthReport extends Context.Service<
  HealthReport,
  {
    readonly current: Effect.Effect<PipelineHealth | StoreHealth>
  }
>()("@blockchaincore/api/HealthReport") {
  /** Whether the candle store answers, and the latest reconciliations: what an API without the producer beside it can tell. */
  static readonly ofStore = Layer.effect(
    HealthReport,
    Effect.gen(function* () {
      const store = yield* CandleStore
      const history = yield* EventHistory
      return {
        current: Effect.all([store.symbols(), history.reconciliation]).pipe(
          Effect.map(([symbols, reconciliation]): StoreHealth => ({ status: "ok", symbols, reconciliation })),
          Effect.catch((e) => Effect.succeed<StoreHealth>({ status: "degraded", symbols: [], problem: e.message }))
        )
      }
    })
  )
}

const HISTORY_WINDOW = 1_000

/** Known quote assets, longest first, to split a symbol into base and quote for exchangeInfo. */
const QUOTES = ["FDUSD", "USDT", "USDC", "TUSD", "BUSD", "BTC", "ETH", "BNB", "EUR", "TRY", "BRL"]

const unavailable = (e: StoreUnavailable) => Effect.fail({ code: -1001 as const, msg: `${e._tag}: ${e.message}` })

const MarketHandlers = HttpApiBuilder.group(ReadApi, "market", (handlers) =>
  Effect.gen(function* () {
    const store = yield* CandleStore
    const served = yield* ServedSymbols
    return handlers
      .handle("klines", ({ query: q }) => klinesAnswer(store, q).pipe(Effect.catchTag("StoreUnavailable", unavailable)))
      .handle("exchangeInfo", () =>
        Effect.gen(function* () {
          const symbols = yield* served.list
          return {
            timezone: "UTC",
            serverTime: yield* Clock.currentTimeMillis,
            rateLimits: [],
            exchangeFilters: [],
            symbols: symbols.map((symbol) => {
              const quote = QUOTES.find((q) => symbol.endsWith(q) && symbol.length > q.length) ?? ""
              return {
                symbol,
                status: "TRADING",
                baseAsset: symbol.slice(0, symbol.length - quote.length),
                quoteAsset: quote,
                isSpotTradingAllowed: true,
                permissions: ["SPOT"]
              }
            })
          }
        }).pipe(Effect.catch(unavailable))
      )
  })
)

const HistoryHandlers = HttpApiBuilder.group(ReadApi, "history", (handlers) =>
  Effect.gen(function* () {
    const history = yield* EventHistory
    return handlers
      .handle("anomalies", ({ query: q }) =>
        history.anomalies(HISTORY_WINDOW).pipe(
          Effect.map((all) =>
            all
              .filter(
                (a) =>
                  (q.symbol === undefined || a.candle.symbol === q.symbol) &&
                  (q.rule === undefined || a.rule === q.rule) &&
                  (q.severity === undefined || a.severity === q.severity)
              )
              .slice(0, q.limit ?? 100)
          ),
          Effect.catch(unavailable)
        )
      )
      .handle("alerts", ({ query: q }) =>
        history.alerts(HISTORY_WINDOW).pipe(
          Effect.map((all) =>
            all.filter((a) => (q.symbol === undefined || a.symbol === q.symbol) && (q.rule === undefined || a.rule === q.rule)).slice(0, q.limit ?? 100)
          ),
          Effect.catch(unavailable)
        )
      )
  })
)

const SystemHandlers = HttpApiBuilder.group(ReadApi, "system", (handlers) =>
  Effect.gen(function* () {
    const health = yield* HealthReport
    return handlers.handle("health", () => health.current).handle("apiHealth", () => health.current)
  })
)

/** Binance's code for a query that does not decode: which parameter, and whether it was missing. */
const badRequestOf = (issue: SchemaIssue.Issue): BadRequest => {
  const msg = oneLine(new Schema.SchemaError(issue))
  const pointer = firstPointer(issue)
  const parameter = pointer?.path[0]
  if (pointer?.issue._tag === "MissingKey")
    return { code: -1102, msg: `Mandatory parameter '${String(parameter)}' was not sent, was empty/null, or malformed.` }
  if (parameter === "symbol") return { code: -1121, msg: `Invalid symbol. ${msg}` }
  if (parameter === "interval") return { code: -1120, msg: `Invalid interval. ${msg}` }
  return { code: -1100, msg }
}

const firstPointer = (issue: SchemaIssue.Issue): SchemaIssue.Pointer | undefined => {
  switch (issue._tag) {
    case "Pointer":
      return issue
    case "Filter":
    case "Encoding":
      return firstPointer(issue.issue)
    case "Composite":
    case "AnyOf":
      for (const inner of issue.issues) {
        const found = firstPointer(inner)
        if (found !== undefined) return found
      }
      return undefined
    default:
      return undefined
  }
}

/** A query that does not decode becomes Binance's 400 with the code for what was wrong. */
const BinanceErrorsLive = Layer.succeed(BinanceErrors, (httpEffect) =>
  Effect.catch(httpEffect, (error) =>
    Effect.fail(
      HttpApiError.HttpApiSchemaError.is(error) && error.kind === "Query" && Schema.isSchemaError(error.cause) ? badRequestOf(error.cause.issue) : error
    )
  )
)

/** The API's routes with `/api/openapi.json`, needing the ports and the deployment's `ServedSymbols` and `HealthReport`. */
export const readApiRoutes = HttpApiBuilder.layer(ReadApi, { openapiPath: "/api/openapi.json" }).pipe(
  Layer.provide(Layer.mergeAll(MarketHandlers, HistoryHandlers, SystemHandlers)),
  Layer.provideMerge(BinanceErrorsLive)
)
