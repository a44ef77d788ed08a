/**
 * The symbols and trade rate a running local runtime measures (its `/health`, decoded with the
 * pipeline-health schema): the count of symbols streamed and their mean trades per second,
 * rounded up, for the cost run to reproduce, at most `--rate`'s limit (a replay read as fast as it
 * goes measures thousands a second; that limit is said, not silently applied).
 */
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"
import { getJson } from "../ops/HttpGet.ts"
import { PipelineHealth } from "@blockchaincore/core/health/PipelineHealth"
import { MAX_RATE } from "./CostArgs.ts"

export const ratesOf = (health: PipelineHealth): { readonly symbols: number; readonly rate: number } => {
  const symbols = Math.max(1, health.symbols.length)
  const mean = health.symbols.reduce((n, s) => n + s.tradesPerSecond, 0) / symbols
  return { symbols, rate: Math.max(1, Math.ceil(mean)) }
}

export const measuredRates = async (base: string): Promise<{ readonly symbols: number; readonly rate: number }> => {
  const health = await getJson(new URL("/health", base), PipelineHealth).catch((e: unknown) => {
    throw new Error(`cannot take the rates from ${base}/health: ${errorMessage(e)}`)
  })
  const measured = ratesOf(health)
  console.error(`measured by the local runtime at ${base}: ${measured.symbols} symbols at ${measured.rate} trades/s each (mean, rounded up)`)
  if (measured.rate <= MAX_RATE) return measured
  console.error(`counted at ${MAX_RATE} trades/s each, the most a run reproduces: the estimate is for that rate`)
  return { ...measured, rate: MAX_RATE }
}
