/**
 * Binance REST, the part the producer needs: `historicalTrades`, within the request-weight
 * budget (6000 a minute per IP; we stay under our own lower limit, synchronised from the
 * `X-MBX-USED-WEIGHT-1m` header) and honouring 429 and 418 with their `Retry-After`.
 */
import { Effect, Result, Schema } from "effect"
import { HistoricalTradesFromJson, tradeOfRest } from "@blockchaincore/core/binance/RestTrade"
import type { Trade } from "@blockchaincore/core/trade/Trade"

export class RestError extends Schema.TaggedError<RestError>()("RestError", {
  url: Schema.String,
  message: Schema.String
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

export class BinanceRest {
  readonly options: RestOptions
  /** Request counts, for the producer's metrics. */
  readonly counters = { requests: 0, rateLimited: 0 }
  private usedWeight = 0
  private minute = -1

  constructor(options: RestOptions) {
    this.options = options
  }

  /** Up to `limit` (≤ 1000) trades of `symbol` from id `fromId` on, in id order. */
  historicalTrades(symbol: string, fromId: number, limit: number): Effect.Effect<Array<Trade>, RestError> {
    const url = `${this.options.baseUrl.replace(/\/+$/, "")}/api/v3/historicalTrades?symbol=${symbol}&fromId=${fromId}&limit=${Math.min(1000, limit)}`
    const self = this
    return Effect.gen(function*() {
      for (let attempt = 1; ; attempt++) {
        yield* self.waitForWeight()
        self.counters.requests++
        const response = yield* Effect.tryPromise({
          try: (signal) => fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(self.options.timeoutMillis)]) }),
          catch: (e) => new RestError({ url, message: e instanceof Error ? e.message : String(e) })
        }).pipe(Effect.result)
        if (Result.isFailure(response)) {
          if (attempt >= self.options.maxAttempts) return yield* response.failure
          yield* Effect.sleep(Math.min(30_000, 500 * 2 ** attempt))
          continue
        }
        const res = response.success
        self.noteWeight(res.headers.get("x-mbx-used-weight-1m"))
        if (res.status === 429 || res.status === 418) {
          self.counters.rateLimited++
          const waitMillis = Number(res.headers.get("retry-after") ?? "60") * 1000
          if (waitMillis > self.options.maxRetryAfterMillis || attempt >= self.options.maxAttempts) {
            return yield* new RestError({ url, message: `HTTP ${res.status}, Retry-After ${waitMillis / 1000} s` })
          }
          yield* Effect.sleep(waitMillis)
          continue
        }
        const body = yield* Effect.promise(() => res.text())
        if (!res.ok) return yield* new RestError({ url, message: `HTTP ${res.status}: ${body.slice(0, 200)}` })
        const trades = Schema.decodeUnknownResult(HistoricalTradesFromJson)(body)
        if (Result.isFailure(trades)) return yield* new RestError({ url, message: `unexpected response: ${trades.failure.message}` })
        return trades.success.map((t) => tradeOfRest(symbol, t))
      }
    })
  }

  private waitForWeight(): Effect.Effect<void> {
    return Effect.suspend(() => {
      const now = Date.now()
      const minute = Math.floor(now / 60_000)
      if (minute !== this.minute) {
        this.minute = minute
        this.usedWeight = 0
      }
      if (this.usedWeight + HISTORICAL_TRADES_WEIGHT <= this.options.weightBudget) {
        this.usedWeight += HISTORICAL_TRADES_WEIGHT
        return Effect.void
      }
      return Effect.sleep((minute + 1) * 60_000 - now).pipe(Effect.andThen(this.waitForWeight()))
    })
  }

  private noteWeight(header: string | null): void {
    const used = Number(header)
    if (header !== null && Number.isFinite(used)) this.usedWeight = Math.max(this.usedWeight, used)
  }
}
