/**
 * What a deploy is configured with, from the environment of `sst deploy` / `sst dev`, decoded
 * with a schema so a typo fails the deploy naming the variable:
 * - `BLOCKCHAINCORE_SYMBOLS`: the symbols the producer streams (default BTCUSDT,ETHUSDT).
 * Secrets (alert e-mail, SMS number, webhook URL) are `sst.Secret`s, set per stage with
 * `sst secret set`.
 */
import { Schema } from "effect"
import { SymbolList } from "../packages/core/src/trade/SymbolList.ts"

export interface DeployConfig {
  readonly symbols: ReadonlyArray<string>
}

export const deployConfig = (env: Readonly<Record<string, string | undefined>>): DeployConfig => {
  const raw = env["BLOCKCHAINCORE_SYMBOLS"] ?? "BTCUSDT,ETHUSDT"
  const symbols = Schema.decodeUnknownResult(SymbolList)(raw)
  if (symbols._tag === "Failure") throw new Error(`BLOCKCHAINCORE_SYMBOLS: ${symbols.failure.message}`)
  return { symbols: symbols.success }
}
