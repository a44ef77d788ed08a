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
 * - `BLOCKCHAINCORE_ANOMALY_CONFIG`: a JSON file of anomaly settings per symbol and interval (the
 *   format of `start --anomaly-config`, docs/cli.md, "Anomaly settings"), decoded here so a bad file
 *   fails the deploy naming the path and the field; the anomaly function gets it in its
 *   environment (at most 3,500 characters of JSON: Lambda's environment holds 4 KB in all).
 * - `BLOCKCHAINCORE_OTLP_ENDPOINT`: where the pipe's functions, the consumers and the producer
 *   task send their spans (docs/tracing.md): `xray`, CloudWatch's own OTLP endpoint in the
 *   stage's region (signed with each role, which then may put spans; the account needs
 *   Transaction Search), or an OpenTelemetry collector's OTLP/HTTP endpoint (e.g.
 *   `https://collector.example.com:4318`); off when unset.
 * - `BLOCKCHAINCORE_TRACES_SAMPLE`: the share of batches traced, 0 to 1 (default 0.01).
 * Secrets (alert e-mail, SMS number, webhook URL) are `sst.Secret`s, set per stage with
 * `sst secret set`. Whether an alert channel is subscribed is read here, before any resource
 * exists, from what SST hands the program for each set secret (`SST_SECRET_<name>`): a
 * subscription is then declared with the secret as its endpoint, so a preview shows it and the
 * address stays encrypted in the state (one made inside `apply` would hold it in plain text).
 */
import { readFileSync } from "node:fs"
import { Result, Schema } from "effect"
import type { AnomalyConfig } from "@blockchaincore/core/anomaly/AnomalyConfig"
import { anomalyConfigOf } from "@blockchaincore/core/anomaly/AnomalySettings"
import { SymbolList } from "@blockchaincore/core/trade/SymbolList"
import { HttpUrl } from "@blockchaincore/core/net/Urls"

export interface DeployConfig {
  readonly symbols: ReadonlyArray<string>
  readonly apiConcurrency: number | undefined
  readonly producerCapacity: "on-demand" | "spot"
  /** The anomaly settings from BLOCKCHAINCORE_ANOMALY_CONFIG's file; the defaults when unset. */
  readonly anomalyConfig: AnomalyConfig | undefined
  /** Where the functions and the producer send their spans (`xray`: CloudWatch's endpoint), and the share of batches traced; undefined: off. */
  readonly tracing: { readonly endpoint: string; readonly sample: number } | undefined
  /** The alert channels whose secret is set for the stage: each is an SNS subscription. */
  readonly alertChannels: AlertChannels
}

export interface AlertChannels {
  readonly email: boolean
  readonly sms: boolean
}

/** Lambda's environment holds 4 KB in all: the settings leave room for the rest. */
export const ANOMALY_CONFIG_MAX_CHARS = 3_500

const DeployEnvironment = Schema.Struct({
  BLOCKCHAINCORE_SYMBOLS: Schema.optionalKey(SymbolList),
  BLOCKCHAINCORE_API_CONCURRENCY: Schema.optionalKey(Schema.NumberFromString.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 1000 }))),
  BLOCKCHAINCORE_PRODUCER_CAPACITY: Schema.optionalKey(Schema.Literals(["on-demand", "spot"])),
  BLOCKCHAINCORE_ANOMALY_CONFIG: Schema.optionalKey(Schema.String),
  BLOCKCHAINCORE_OTLP_ENDPOINT: Schema.optionalKey(Schema.Union([Schema.Literal("xray"), HttpUrl])),
  BLOCKCHAINCORE_TRACES_SAMPLE: Schema.optionalKey(Schema.NumberFromString.check(Schema.isBetween({ minimum: 0, maximum: 1 })))
})

/** "none" is the secrets' placeholder: the channel is off, as when the secret was never set. */
const SECRET_UNSET = "none"
const ALERT_SECRETS = {
  email: {
    secret: "AlertEmail",
    address: Schema.String.check(Schema.isPattern(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, { message: "Expected an e-mail address such as ops@example.com" }))
  },
  sms: {
    secret: "AlertSms",
    address: Schema.String.check(Schema.isPattern(/^\+[1-9][0-9]{6,14}$/, { message: "Expected a phone number in E.164 form such as +15550100" }))
  }
} as const

const alertChannelSet = (env: Readonly<Record<string, string | undefined>>, channel: keyof typeof ALERT_SECRETS): boolean => {
  const { secret, address } = ALERT_SECRETS[channel]
  const value = env[`SST_SECRET_${secret}`]?.trim()
  if (value === undefined || value === "" || value === SECRET_UNSET) return false
  const decoded = Schema.decodeUnknownResult(address)(value)
  if (decoded._tag === "Failure")
    throw new Error(`deploy configuration: secret ${secret}: ${decoded.failure.message} (sst secret set ${secret} <value>, or "none" for no ${channel} alerts)`)
  return true
}

const alertChannels = (env: Readonly<Record<string, string | undefined>>): AlertChannels => ({
  email: alertChannelSet(env, "email"),
  sms: alertChannelSet(env, "sms")
})

/** Every setting `sst deploy` reads: CI passes each from the repository's variables (.github/workflows/ci.yml). */
export const DEPLOY_SETTINGS = [
  "BLOCKCHAINCORE_SYMBOLS",
  "BLOCKCHAINCORE_API_CONCURRENCY",
  "BLOCKCHAINCORE_PRODUCER_CAPACITY",
  "BLOCKCHAINCORE_ANOMALY_CONFIG",
  "BLOCKCHAINCORE_OTLP_ENDPOINT",
  "BLOCKCHAINCORE_TRACES_SAMPLE"
] as const

/** The traces' default share on AWS: a batch in a hundred keeps tracing's cost small (npm run cost). */
export const DEFAULT_TRACES_SAMPLE = 0.01

const anomalyConfigFile = (path: string): AnomalyConfig => {
  let text: string
  try {
    text = readFileSync(path, "utf8")
  } catch (e) {
    throw new Error(`deploy configuration: BLOCKCHAINCORE_ANOMALY_CONFIG: cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`)
  }
  const config = Result.getOrThrowWith(anomalyConfigOf(text, path), (problem) => new Error(`deploy configuration: BLOCKCHAINCORE_ANOMALY_CONFIG: ${problem}`))
  const size = JSON.stringify(config).length
  if (size > ANOMALY_CONFIG_MAX_CHARS)
    throw new Error(
      `deploy configuration: BLOCKCHAINCORE_ANOMALY_CONFIG: ${path} is ${size} characters as JSON, more than the ${ANOMALY_CONFIG_MAX_CHARS} a function's environment can hold`
    )
  return config
}

export const deployConfig = (env: Readonly<Record<string, string | undefined>>): DeployConfig => {
  const set = Object.fromEntries(
    DEPLOY_SETTINGS.flatMap((name) => {
      const value = env[name]?.trim()
      return value === undefined || value === "" ? [] : [[name, value]]
    })
  )
  const decoded = Schema.decodeUnknownResult(DeployEnvironment)(set)
  if (decoded._tag === "Failure") throw new Error(`deploy configuration: ${decoded.failure.message}`)
  const config = decoded.success
  return {
    symbols: config.BLOCKCHAINCORE_SYMBOLS ?? ["BTCUSDT", "ETHUSDT"],
    apiConcurrency: config.BLOCKCHAINCORE_API_CONCURRENCY,
    producerCapacity: config.BLOCKCHAINCORE_PRODUCER_CAPACITY ?? "on-demand",
    anomalyConfig: config.BLOCKCHAINCORE_ANOMALY_CONFIG === undefined ? undefined : anomalyConfigFile(config.BLOCKCHAINCORE_ANOMALY_CONFIG),
    tracing:
      config.BLOCKCHAINCORE_OTLP_ENDPOINT === undefined
        ? undefined
        : { endpoint: config.BLOCKCHAINCORE_OTLP_ENDPOINT, sample: config.BLOCKCHAINCORE_TRACES_SAMPLE ?? DEFAULT_TRACES_SAMPLE },
    alertChannels: alertChannels(env)
  }
}

/**
 * The OpenTelemetry variables a traced function or task reads (TracingSettings.ts); none when
 * tracing is off. `xrayTracesUrl` is CloudWatch's endpoint in the stage's region (known to the
 * deploy, not here).
 */
export const tracingEnvironment = <Url>(config: Pick<DeployConfig, "tracing">, xrayTracesUrl: () => Url): Record<string, string | Url> => {
  if (config.tracing === undefined) return {}
  const sampler = { OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: String(config.tracing.sample) }
  return config.tracing.endpoint === "xray"
    ? { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: xrayTracesUrl(), ...sampler }
    : { OTEL_EXPORTER_OTLP_ENDPOINT: config.tracing.endpoint, ...sampler }
}

/** What a role that sends spans to CloudWatch's endpoint may do: put spans, and have its share indexed. */
export const XRAY_SPAN_ACTIONS = ["xray:PutSpans", "xray:PutSpansForIndexing"]
