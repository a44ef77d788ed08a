/**
 * `monitor --local URL`: a local runtime seen through its HTTP API (health, exchangeInfo, the
 * last kline per symbol, recent anomalies). Every answer is decoded with a schema.
 */
import { Schema } from "effect"
import type { Snapshot } from "./Snapshot.ts"
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"
import { getJson } from "../ops/HttpGet.ts"

const Health = Schema.Record(Schema.String, Schema.Unknown)
const ExchangeInfo = Schema.Struct({ symbols: Schema.Array(Schema.Struct({ symbol: Schema.String })) })
const KlineHead = Schema.Tuple([Schema.Number, Schema.String, Schema.String, Schema.String, Schema.String])
const Anomalies = Schema.Array(
  Schema.Struct({
    rule: Schema.String,
    severity: Schema.String,
    candle: Schema.Struct({ symbol: Schema.String, interval: Schema.String, openTime: Schema.Number })
  })
)

export const get = <A>(base: string, path: string, schema: Schema.Codec<A, unknown>): Promise<A> => getJson(new URL(path, base), schema)

/** The last closed 1m candle of every symbol the API knows, from Binance-shaped klines. */
export const lastCandles = async (base: string, now: number): Promise<Snapshot["lastCandles"]> => {
  const symbols = (await get(base, "/api/v3/exchangeInfo", ExchangeInfo)).symbols.map((s) => s.symbol)
  const lastCandles = []
  for (const symbol of symbols) {
    const rows = await get(base, `/api/v3/klines?symbol=${symbol}&interval=1m&limit=1`, Schema.Array(Schema.Array(Schema.Unknown)))
    const row = rows[0]
    const decoded = row === undefined ? undefined : Schema.decodeUnknownResult(KlineHead)(row.slice(0, 5))
    const head = decoded?._tag === "Success" ? decoded.success : undefined
    if (head !== undefined)
      lastCandles.push({ symbol, openTime: head[0], close: head[4], ageSeconds: Math.max(0, Math.round((now - head[0] - 60_000) / 1000)) })
  }
  return lastCandles
}

export const localSnapshot = async (base: string, now: number): Promise<Snapshot> => {
  const problems: Array<string> = []
  const health = await get(base, "/health", Health).catch((e: unknown) => {
    problems.push(`health: ${errorMessage(e)}`)
    return undefined
  })
  const anomalies = await get(base, "/api/anomalies?limit=5", Anomalies)
  return {
    where: `local runtime at ${base}`,
    functions: [],
    lastCandles: await lastCandles(base, now),
    anomalies: anomalies.map((a) => ({
      symbol: a.candle.symbol,
      interval: a.candle.interval,
      rule: a.rule,
      severity: a.severity,
      openTime: a.candle.openTime
    })),
    ...(health === undefined ? {} : { health }),
    problems
  }
}
