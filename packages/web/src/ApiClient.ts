/**
 * The dashboard's view of the API, through a client derived from the API's own definition
 * (packages/api/src/ReadApi.ts): requests are encoded and answers decoded by the same schemas the
 * server uses, so a wrong answer shows as an error, not as a broken chart, and a change to the
 * API that the page does not follow fails the type check. The base URL is the page's own
 * origin, or the API URL the build was given.
 */
import { Effect, Schema } from "effect"
import { FetchHttpClient } from "effect/http"
import { HttpApiClient } from "effect/http-api"
import { Interval } from "@blockchaincore/core/candle/Interval"
import type { PipelineHealth } from "@blockchaincore/core/health/PipelineHealth"
import { ReadApi, type StoreHealth } from "@blockchaincore/api/ReadApi"

export type { KlineRow } from "@blockchaincore/api/ReadApi"

export const apiBase = (configured: string): string => (configured === "" ? window.location.origin : configured.replace(/\/$/, ""))

const call = <A, E>(base: string, f: (client: HttpApiClient.ForApi<typeof ReadApi>) => Effect.Effect<A, E>): Promise<A> =>
  Effect.runPromise(HttpApiClient.make(ReadApi, { baseUrl: base }).pipe(Effect.flatMap(f), Effect.provide(FetchHttpClient.layer)))

export const symbols = async (base: string) => (await call(base, (api) => api.exchangeInfo())).symbols.map((s) => s.symbol)

export const klines = (base: string, symbol: string, interval: string, limit = 500) =>
  call(base, (api) => Effect.flatMap(Schema.decodeUnknownEffect(Interval)(interval), (i) => api.klines({ query: { symbol, interval: i, limit } })))

/** Recent anomalies, newest first; undefined where the deployment keeps no history (the API answers 404). */
export const anomalies = (base: string) =>
  call(base, (api) => api.anomalies({ query: { limit: 500 } }).pipe(Effect.catchIf(isNotFound, () => Effect.succeed(undefined))))

export const alerts = (base: string) =>
  call(base, (api) => api.alerts({ query: { limit: 500 } }).pipe(Effect.catchIf(isNotFound, () => Effect.succeed(undefined))))

/** The pipeline's health, or where the deployment only says whether its store answers (AWS) that; undefined if it does not answer. */
export const health = (base: string): Promise<PipelineHealth | StoreHealth | undefined> =>
  call(base, (api) => api.apiHealth().pipe(Effect.catch(() => Effect.succeed(undefined))))

const isNotFound = (e: unknown): boolean => typeof e === "object" && e !== null && "code" in e && e.code === -1
