/**
 * The dashboard's view of the API: every answer decoded with a schema (a Binance kline row, the
 * domain events' JSON, the pipeline's health), so a wrong answer shows as an error, not as a
 * broken chart. The base URL is the page's own origin, or the API URL the build was given.
 */
import { Schema } from "effect"
import { AlertSent, AnomalyDetected } from "@blockchaincore/core/events/DomainEvent"
import { PipelineHealth } from "@blockchaincore/core/health/PipelineHealth"

/** A Binance kline row; prices and volumes stay decimal strings (the chart takes numbers, the legend the exact text). */
export const KlineRow = Schema.Tuple([Schema.Number, Schema.String, Schema.String, Schema.String, Schema.String, Schema.String, Schema.Number, Schema.String, Schema.Number, Schema.String, Schema.String, Schema.String])
export type KlineRow = typeof KlineRow.Type

const ExchangeInfo = Schema.Struct({ symbols: Schema.Array(Schema.Struct({ symbol: Schema.String })) })

export class ApiError extends Error {
  readonly status: number | undefined
  constructor(message: string, status?: number) {
    super(message)
    this.status = status
  }
}

export const apiBase = (configured: string): string => (configured === "" ? window.location.origin : configured.replace(/\/$/, ""))

const get = async <A>(base: string, path: string, schema: Schema.Codec<A, unknown>): Promise<A> => {
  const response = await fetch(`${base}${path}`)
  if (!response.ok) throw new ApiError(`${path}: HTTP ${response.status}`, response.status)
  const decoded = Schema.decodeUnknownResult(schema)(await response.json())
  if (decoded._tag === "Failure") throw new ApiError(`${path}: unexpected answer (${decoded.failure.message})`)
  return decoded.success
}

export const symbols = async (base: string) => (await get(base, "/api/v3/exchangeInfo", ExchangeInfo)).symbols.map((s) => s.symbol)

export const klines = (base: string, symbol: string, interval: string, limit = 500) =>
  get(base, `/api/v3/klines?symbol=${encodeURIComponent(symbol)}&interval=${encodeURIComponent(interval)}&limit=${limit}`, Schema.Array(KlineRow))

/** Recent anomalies, newest first; undefined where the deployment keeps no history (the API answers 404). */
export const anomalies = (base: string) => orAbsent(base, "/api/anomalies?limit=500", Schema.Array(AnomalyDetected))

export const alerts = (base: string) => orAbsent(base, "/api/alerts?limit=500", Schema.Array(AlertSent))

const orAbsent = async <A>(base: string, path: string, schema: Schema.Codec<A, unknown>): Promise<A | undefined> => {
  try {
    return await get(base, path, schema)
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return undefined
    throw e
  }
}

/** The pipeline's health; undefined where the deployment does not report it (AWS). */
export const health = async (base: string): Promise<PipelineHealth | undefined> => {
  const response = await fetch(`${base}/health`)
  if (!response.ok) return undefined
  const decoded = Schema.decodeUnknownResult(PipelineHealth)(await response.json())
  return decoded._tag === "Success" ? decoded.success : undefined
}
