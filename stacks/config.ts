/**
 * What a deploy is configured with, from the environment of `sst deploy` / `sst dev`, decoded
 * with a schema so a typo fails the deploy naming the variable. An empty variable counts as
 * unset (CI passes unset repository variables as ""):
 * - `BLOCKCHAINCORE_SYMBOLS`: the symbols the producer streams (default BTCUSDT,ETHUSDT).
 * - `BLOCKCHAINCORE_API_CONCURRENCY`: the public API function's reserved concurrency, its cap.
 *   Unset, the API is not capped by a reservation: a new account's quota of 10 leaves nothing to
 *   reserve (AWS keeps 10 unreserved), and the deploy must work there.
 * - `BLOCKCHAINCORE_PRODUCER_CAPACITY`: `on-demand` (default) or `spot` (Fargate Spot, about 70%
 *   cheaper; an interruption is a restart whose missed trades are filled from REST).
 * Secrets (alert e-mail, SMS number, webhook URL) are `sst.Secret`s, set per stage with
 * `sst secret set`.
 */
import { Schema } from "effect"
import { SymbolList } from "../packages/core/src/trade/SymbolList.ts"

export interface DeployConfig {
  readonly symbols: ReadonlyArray<string>
  readonly apiConcurrency: number | undefined
  readonly producerCapacity: "on-demand" | "spot"
}

const DeployEnvironment = Schema.Struct({
  BLOCKCHAINCORE_SYMBOLS: Schema.optionalKey(SymbolList),
  BLOCKCHAINCORE_API_CONCURRENCY: Schema.optionalKey(Schema.NumberFromString.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 1000 }))),
  BLOCKCHAINCORE_PRODUCER_CAPACITY: Schema.optionalKey(Schema.Literals(["on-demand", "spot"]))
})

const VARIABLES = ["BLOCKCHAINCORE_SYMBOLS", "BLOCKCHAINCORE_API_CONCURRENCY", "BLOCKCHAINCORE_PRODUCER_CAPACITY"] as const

export const deployConfig = (env: Readonly<Record<string, string | undefined>>): DeployConfig => {
  const set = Object.fromEntries(VARIABLES.flatMap((name) => {
    const value = env[name]?.trim()
    return value === undefined || value === "" ? [] : [[name, value]]
  }))
  const decoded = Schema.decodeUnknownResult(DeployEnvironment)(set)
  if (decoded._tag === "Failure") throw new Error(`deploy configuration: ${decoded.failure.message}`)
  const config = decoded.success
  return {
    symbols: config.BLOCKCHAINCORE_SYMBOLS ?? ["BTCUSDT", "ETHUSDT"],
    apiConcurrency: config.BLOCKCHAINCORE_API_CONCURRENCY,
    producerCapacity: config.BLOCKCHAINCORE_PRODUCER_CAPACITY ?? "on-demand"
  }
}
