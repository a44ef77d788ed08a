/** Klines as the runtime serves them, and as `blockchaincore candles` computes them from the recording. */
import { Effect, Schema } from "effect"
import { type KlineRow, klineRow } from "@blockchaincore/core/candle/KlineCsv"
import { KlineRow as KlineRowSchema } from "@blockchaincore/api/ReadApi"
import { RECORDING, sharedFile } from "@blockchaincore/testkit/sharedData"
import { candlesOfFile } from "../../src/candles/CandlesOfFile.ts"

const KlinesResponse = Schema.Array(KlineRowSchema)

export const klines = async (port: number, symbol: string, interval = "1m", startTime = 0): Promise<ReadonlyArray<KlineRow>> => {
  const res = await fetch(`http://127.0.0.1:${port}/api/v3/klines?symbol=${symbol}&interval=${interval}&startTime=${startTime}&limit=1000`)
  return Schema.decodeUnknownSync(KlinesResponse)(await res.json())
}

/** `blockchaincore candles` on the file, per symbol, all but each symbol's last window (still open in a live run). */
export const expectedKlines = async (interval: "1m" | "5m") => {
  const result = await Effect.runPromise(candlesOfFile(sharedFile(RECORDING), { interval, symbol: undefined }, () => Effect.void))
  const bySymbol = new Map<string, Array<KlineRow>>()
  for (const c of result.candles) bySymbol.set(c.symbol, [...(bySymbol.get(c.symbol) ?? []), klineRow(c)])
  return new Map([...bySymbol].map(([s, rows]) => [s, rows.slice(0, -1)]))
}
