/**
 * Binance REST, the part the pipeline needs: `historicalTrades`, `aggTrades`, klines, the 24 h
 * ticker and exchangeInfo, honouring 429 and 418 with their `Retry-After`. Binance's weight limit
 * (6000 a minute) is per IP, so a process has one of these (`ExchangeRest`), shared by the gap
 * filler, the checks, the cold start, the warm start and reconciliation: one budget, kept with
 * Effect's `RateLimiter` under our own lower limit and raised to what Binance says it counted
 * (`X-MBX-USED-WEIGHT-1m`).
 */
import { Context, Data, Duration, Effect, Layer, Option, Result, Schedule, Schema } from "effect"
import { HttpClient, HttpClientRequest } from "effect/http"
import { RateLimiter } from "effect/persistence"
import { retrySchedule } from "@blockchaincore/core/retry/RetrySchedule"
import { LOCATION_REFUSED, LOCATION_REFUSED_STATUS } from "./LocationRefused.ts"
import { HistoricalTradesFromJson, tradeOfRest } from "./RestTrade.ts"
import { LIST_SYMBOLS_UP_TO, type TickerLastId, TickerLastIdsFromJson, tickerWeight } from "./RestTicker.ts"
import { EXCHANGE_INFO_WEIGHT, SymbolStatusesFromJson } from "./SymbolStatus.ts"
import { ErrorBodyFromJson } from "./ErrorBody.ts"
import { type ExchangeInfo, ExchangeInfoFromJson } from "../instruments/ExchangeInfo.ts"
import type { Trade } from "@blockchaincore/core/trade/Trade"
import { candleOfRestKline, RestKlinesFromJson } from "./RestKline.ts"
import { AGG_TRADES_WEIGHT, AggTradesFromJson, type RestAggTrade } from "./RestAggTrade.ts"
import type { Candle } from "@blockchaincore/core/candle/Candle"
import type { Interval } from "@blockchaincore/core/candle/Interval"

export class RestError extends Schema.TaggedError<RestError>()("RestError", {
  url: Schema.String,
  message: Schema.String,
  /** The HTTP status, when Binance answered: 451 is a location it does not serve. */
  status: Schema.optional(Schema.Number),
  /** Binance's error code, when its answer carried one (-1121: a symbol it does not list). */
  code: Schema.optional(Schema.Number)
}) {}

export interface RestOptions {
  readonly baseUrl: string
  readonly timeoutMillis: number
  /** Our own ceiling of request weight per minute, under Binance's 6000. */
  readonly weightBudget: number
  readonly maxAttempts: number
  /** A Retry-After longer than this (an IP ban) is not waited out: the request fails. */
  readonly maxRetryAfterMillis: number
}

export const DEFAULT_REST: Omit<RestOptions, "baseUrl"> = { timeoutMillis: 10_000, weightBudget: 4_800, maxAttempts: 6, maxRetryAfterMillis: 120_000 }

const HISTORICAL_TRADES_WEIGHT = 25

/** The `symbols=[…]&` part of a request, or nothing above `LIST_SYMBOLS_UP_TO` (every symbol is answered). */
const symbolsParam = (symbols: ReadonlyArray<string>): string =>
  symbols.length > LIST_SYMBOLS_UP_TO ? "" : `symbols=${encodeURIComponent(JSON.stringify(symbols))}&`

/** The rows of an answer for the asked symbols, by symbol. */
const onlyAsked = <R extends { readonly symbol: string }>(symbols: ReadonlyArray<string>, rows: ReadonlyArray<R>): Map<string, R> => {
  const asked = new Set(symbols)
  return new Map(rows.filter((r) => asked.has(r.symbol)).map((r) => [r.symbol, r]))
}
/** Binance's weight of a klines request of up to 100 candles is 2 (5 up to 1000): the larger, always. */
const KLINES_WEIGHT = 5

/** An attempt worth repeating: the network failed, or Binance asked us to wait (`retryAfterMillis`). */
class Again extends Data.TaggedError("Again")<{ readonly error: RestError; readonly retryAfterMillis?: number }> {}

/** The project's retry schedule, except that Binance's Retry-After, when it sends one, is the wait. */
const REST_RETRY = retrySchedule({ baseMillis: 1_000, capMillis: 30_000 }).pipe(
  Schedule.setInputType<Again | RestError>(),
  Schedule.modifyDelay(({ duration, input }) =>
    Effect.succeed(input._tag === "Again" && input.retryAfterMillis !== undefined ? Duration.millis(input.retryAfterMillis) : duration)
  )
)

const WEIGHT = { key: "binance-rest-weight", window: "1 minute", algorithm: "fixed-window" } as const

export class BinanceRest {
  readonly options: RestOptions
  /** Request counts, for the producer's metrics. */
  readonly counters = { requests: 0, rateLimited: 0 }
  /** Weight counted in the current window, as the limiter last said. */
  private counted = 0

  private readonly client: HttpClient.HttpClient
  private readonly limiter: RateLimiter.RateLimiter

  /** `client` is the process's one outbound client (OutboundHttp); `limiter` keeps the weight budget. */
  constructor(options: RestOptions, client: HttpClient.HttpClient, limiter: RateLimiter.RateLimiter) {
    this.options = options
    this.client = client
    this.limiter = limiter
  }

  /** Up to `limit` (≤ 1000) trades of `symbol` from id `fromId` on, in id order. */
  historicalTrades(symbol: string, fromId: number, limit: number): Effect.Effect<Array<Trade>, RestError> {
    return this.get(
      `/api/v3/historicalTrades?symbol=${symbol}&fromId=${fromId}&limit=${Math.min(1000, limit)}`,
      HISTORICAL_TRADES_WEIGHT,
      HistoricalTradesFromJson
    ).pipe(Effect.map((trades) => trades.map((t) => tradeOfRest(symbol, t))))
  }

  /** Up to `limit` (≤ 1000) aggregate trades of `symbol` made from `startTime` to `endTime` (inclusive), oldest first. */
  aggTradesBetween(symbol: string, startTime: number, endTime: number, limit: number): Effect.Effect<ReadonlyArray<RestAggTrade>, RestError> {
    return this.get(
      `/api/v3/aggTrades?symbol=${symbol}&startTime=${startTime}&endTime=${endTime}&limit=${Math.min(1000, limit)}`,
      AGG_TRADES_WEIGHT,
      AggTradesFromJson
    )
  }

  /** Up to `limit` (≤ 1000) aggregate trades of `symbol` from aggregate id `fromId` on, oldest first. */
  aggTradesFrom(symbol: string, fromId: number, limit: number): Effect.Effect<ReadonlyArray<RestAggTrade>, RestError> {
    return this.get(`/api/v3/aggTrades?symbol=${symbol}&fromId=${fromId}&limit=${Math.min(1000, limit)}`, AGG_TRADES_WEIGHT, AggTradesFromJson)
  }

  /** The last `limit` (≤ 1000) klines of `symbol` at `interval`, the one still open included, oldest first. */
  klines(symbol: string, interval: Interval, limit: number): Effect.Effect<Array<Candle>, RestError> {
    return this.get(`/api/v3/klines?symbol=${symbol}&interval=${interval}&limit=${Math.min(1000, limit)}`, KLINES_WEIGHT, RestKlinesFromJson).pipe(
      Effect.map((rows) => rows.map((k) => candleOfRestKline(symbol, interval, k)))
    )
  }

  /** The klines of `symbol` at `interval` opening from `startTime` to `endTime` (at most 1000), oldest first. */
  klinesBetween(symbol: string, interval: Interval, startTime: number, endTime: number): Effect.Effect<Array<Candle>, RestError> {
    return this.get(
      `/api/v3/klines?symbol=${symbol}&interval=${interval}&startTime=${startTime}&endTime=${endTime}&limit=1000`,
      KLINES_WEIGHT,
      RestKlinesFromJson
    ).pipe(Effect.map((rows) => rows.map((k) => candleOfRestKline(symbol, interval, k))))
  }

  /**
   * The last trade id Binance has for each of `symbols`, and the time its answer runs to (one 24 h
   * ticker request, MINI), by symbol: what the stream's watermark is checked against. Symbols
   * Binance does not answer for are absent.
   */
  lastIds(symbols: ReadonlyArray<string>): Effect.Effect<ReadonlyMap<string, TickerLastId>, RestError> {
    return this.get(`/api/v3/ticker/24hr?${symbolsParam(symbols)}type=MINI`, tickerWeight(symbols.length), TickerLastIdsFromJson).pipe(
      Effect.map((rows) => onlyAsked(symbols, rows))
    )
  }

  /**
   * Each of `symbols`' trading status (`TRADING`, `BREAK`, …), by symbol, from one exchangeInfo
   * request, and the exchange's time of the answer.
   */
  statuses(symbols: ReadonlyArray<string>): Effect.Effect<{ readonly serverTime: number; readonly statuses: ReadonlyMap<string, string> }, RestError> {
    return this.get(`/api/v3/exchangeInfo?${symbolsParam(symbols)}showPermissionSets=false`, EXCHANGE_INFO_WEIGHT, SymbolStatusesFromJson).pipe(
      Effect.map((info) => ({ serverTime: info.serverTime, statuses: new Map([...onlyAsked(symbols, info.symbols)].map(([symbol, s]) => [symbol, s.status])) }))
    )
  }

  /**
   * The instruments (assets and trading rules) of `symbols`, or of every symbol, from one
   * exchangeInfo request; `attempts` 1 for a caller with a fallback of its own.
   */
  exchangeInfo(symbols: ReadonlyArray<string> | "all", attempts = this.options.maxAttempts): Effect.Effect<ExchangeInfo, RestError> {
    const listed = symbols === "all" ? "" : symbolsParam(symbols)
    return this.get(`/api/v3/exchangeInfo?${listed}showPermissionSets=false`, EXCHANGE_INFO_WEIGHT, ExchangeInfoFromJson, attempts)
  }

  /** A GET within the weight budget, retried on network failures and on Binance's Retry-After, its body decoded by `schema`. */
  private get<A>(path: string, weight: number, schema: Schema.Codec<A, string>, attempts = this.options.maxAttempts): Effect.Effect<A, RestError> {
    const url = `${this.options.baseUrl.replace(/\/+$/, "")}${path}`
    const self = this
    const attempt: Effect.Effect<A, Again | RestError> = Effect.gen(function* () {
      yield* self.waitForWeight(weight)
      self.counters.requests++
      const timedOut = () => Effect.fail(new Again({ error: new RestError({ url, message: `no answer in ${self.options.timeoutMillis / 1000} s` }) }))
      const { response, body } = yield* self.client.execute(HttpClientRequest.get(url)).pipe(
        Effect.flatMap((response) => Effect.map(response.text, (body) => ({ response, body }))),
        Effect.mapError((e) => new Again({ error: new RestError({ url, message: e.message }) })),
        Effect.timeoutOrElse({ duration: Duration.millis(self.options.timeoutMillis), orElse: timedOut })
      )
      yield* self.noteWeight(response.headers["x-mbx-used-weight-1m"])
      if (response.status === 429 || response.status === 418) {
        self.counters.rateLimited++
        // Binance sends seconds; anything else (an HTTP date, nothing) is taken as its usual minute.
        const seconds = Number(response.headers["retry-after"] ?? "60")
        const retryAfterMillis = (Number.isFinite(seconds) && seconds >= 0 ? seconds : 60) * 1000
        const error = new RestError({ url, status: response.status, message: `HTTP ${response.status}, Retry-After ${retryAfterMillis / 1000} s` })
        // A Retry-After this long is a ban, not a pause: the request fails.
        return yield* retryAfterMillis > self.options.maxRetryAfterMillis ? Effect.fail(error) : Effect.fail(new Again({ error, retryAfterMillis }))
      }
      if (response.status === LOCATION_REFUSED_STATUS) return yield* new RestError({ url, status: response.status, message: LOCATION_REFUSED })
      if (response.status < 200 || response.status > 299) {
        const code = Schema.decodeUnknownOption(ErrorBodyFromJson)(body).pipe(
          Option.map((e) => e.code),
          Option.getOrUndefined
        )
        return yield* new RestError({
          url,
          status: response.status,
          message: `HTTP ${response.status}: ${body.slice(0, 200)}`,
          ...(code === undefined ? {} : { code })
        })
      }
      const decoded = Schema.decodeUnknownResult(schema)(body)
      if (Result.isFailure(decoded)) return yield* new RestError({ url, message: `unexpected response: ${decoded.failure.message}` })
      return decoded.success
    })
    return attempt.pipe(
      Effect.retry({ schedule: REST_RETRY, times: attempts - 1, while: (e) => e._tag === "Again" }),
      Effect.mapError((e) => (e._tag === "Again" ? e.error : e))
    )
  }

  /** Waits until `weight` fits in this minute's budget, and counts it. */
  private waitForWeight(weight: number): Effect.Effect<void> {
    return RateLimiter.sleep(this.limiter, { ...WEIGHT, limit: this.options.weightBudget, tokens: weight }).pipe(
      Effect.map((result) => {
        this.counted = result.limit - result.remaining
      }),
      // The limiter's store is this process's memory: a failure of it is a defect, not Binance's.
      Effect.orDie
    )
  }

  /** Binance counted more than we did (another process on the IP, a restart): the rest of the minute is spent on its count. */
  private noteWeight(header: string | undefined): Effect.Effect<void> {
    const used = Number(header)
    if (header === undefined || !Number.isFinite(used) || used <= this.counted) return Effect.void
    const extra = Math.min(used, this.options.weightBudget) - this.counted
    return extra <= 0
      ? Effect.void
      : this.limiter.consume({ ...WEIGHT, limit: this.options.weightBudget, tokens: extra, onExceeded: "fail" }).pipe(
          Effect.map((result) => {
            this.counted = result.limit - result.remaining
          }),
          // Over the budget already: the next request waits for the next window either way.
          Effect.catchTag("RateLimiterError", () => Effect.void)
        )
  }
}

/** The process's one Binance REST client (see above). */
export class ExchangeRest extends Context.Service<ExchangeRest, BinanceRest>()("@blockchaincore/binance/rest/ExchangeRest") {
  static readonly layer = (options: RestOptions): Layer.Layer<ExchangeRest, never, HttpClient.HttpClient> =>
    Layer.effect(ExchangeRest, makeBinanceRest(options))
}

/** A client with a weight budget of its own: `ExchangeRest.layer` makes the process's one. */
export const makeBinanceRest = (options: RestOptions): Effect.Effect<BinanceRest, never, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const limiter = yield* RateLimiter.make.pipe(Effect.provide(RateLimiter.layerStoreMemory))
    return new BinanceRest(options, yield* HttpClient.HttpClient, limiter)
  })
