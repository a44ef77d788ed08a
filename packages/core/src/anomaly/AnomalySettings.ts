/**
 * The anomaly rules' settings a deployment runs with, as a service beside the ports: locally from
 * `start --anomaly-config FILE`, on AWS from the stage's `BLOCKCHAINCORE_ANOMALY_CONFIG` file,
 * which reaches the anomaly function as its `ANOMALY_CONFIG` environment. The defaults where
 * neither is given.
 */
import { Context, Layer, Result, Schema } from "effect"
import { type AnomalyConfig, AnomalyConfigFromJson, DEFAULT_ANOMALY_CONFIG } from "./AnomalyConfig.ts"

export class AnomalySettings extends Context.Service<AnomalySettings, AnomalyConfig>()("@blockchaincore/core/anomaly/AnomalySettings") {
  static readonly defaults = Layer.succeed(AnomalySettings, DEFAULT_ANOMALY_CONFIG)
  static readonly layer = (config: AnomalyConfig) => Layer.succeed(AnomalySettings, config)
}

/** The function's environment variable that carries the settings, as JSON. */
export const ANOMALY_CONFIG_ENV = "ANOMALY_CONFIG"

/**
 * Settings from the JSON text of `source` (a file's path, a variable's name), or what is wrong
 * with it, naming the source and the field. A field the schema does not know is an error: a
 * misspelt threshold must not quietly leave the default in force.
 */
export const anomalyConfigOf = (text: string, source: string): Result.Result<AnomalyConfig, string> =>
  Result.mapError(Schema.decodeUnknownResult(AnomalyConfigFromJson)(text, { onExcessProperty: "error" }), (e) => `${source}: ${e.message}`)
