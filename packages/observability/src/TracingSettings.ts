/**
 * Where spans go, and which traces are kept, in OpenTelemetry's own terms: `--otlp-url` (the CLI)
 * or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` / `OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_TRACES_SAMPLER`
 * and `OTEL_TRACES_SAMPLER_ARG`, `OTEL_EXPORTER_OTLP_PROTOCOL`, `OTEL_EXPORTER_OTLP_HEADERS`,
 * `OTEL_SERVICE_NAME`, `OTEL_SDK_DISABLED`. Off unless an endpoint is given.
 */
import { Config, type ConfigProvider, Effect, Option, Schema } from "effect"
import { HttpUrl } from "@blockchaincore/core/net/Urls"

export const SAMPLERS = ["always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio"] as const
export type SamplerName = (typeof SAMPLERS)[number]

export interface TracingSettings {
  /** The OTLP/HTTP traces URL (`…/v1/traces`); undefined: tracing is off. */
  readonly tracesUrl: string | undefined
  readonly protocol: "http/protobuf" | "http/json"
  readonly sampler: SamplerName
  /** The share of new traces kept by the ratio samplers, from 0 to 1. */
  readonly ratio: number
  readonly serviceName: string
  /** `OTEL_EXPORTER_OTLP_HEADERS`: `key=value,…`, for a collector that wants a key. */
  readonly headers: Readonly<Record<string, string>>
  /** `OTEL_BSP_SCHEDULE_DELAY`: how often ended spans are sent. */
  readonly exportEveryMillis: number
}

export const TRACING_OFF: TracingSettings = {
  tracesUrl: undefined,
  protocol: "http/protobuf",
  sampler: "parentbased_always_on",
  ratio: 1,
  serviceName: "blockchaincore",
  headers: {},
  exportEveryMillis: 5_000
}

const Ratio = Schema.NumberFromString.check(Schema.isBetween({ minimum: 0, maximum: 1 }))

/** An endpoint's traces URL, as the OTLP exporter's specification builds it from a base URL. */
const tracesUrlOf = (base: string) => (/\/v1\/traces\/?$/.test(base) ? base : `${base.replace(/\/+$/, "")}/v1/traces`)

/** `key=value,…` as the specification writes it: URL-encoded, split at each pair's first `=` (a value may hold more). */
const headersOf = (text: string): Effect.Effect<Record<string, string>, string> =>
  Effect.try({
    try: () =>
      Object.fromEntries(
        text.split(",").flatMap((pair) => {
          const at = pair.indexOf("=")
          const key = at < 0 ? "" : pair.slice(0, at).trim()
          return key === "" ? [] : [[decodeURIComponent(key), decodeURIComponent(pair.slice(at + 1).trim())]]
        })
      ),
    catch: () => "OTEL_EXPORTER_OTLP_HEADERS: not URL-encoded key=value pairs"
  })

const optionalText = (name: string) =>
  Config.String(name).pipe(
    Config.option,
    Config.map((value) => Option.getOrUndefined(Option.filter(value, (text) => text.trim() !== "")))
  )

/** The settings from `provider` (the environment), with `otlpUrl` (the CLI's flag) first. */
export const readTracingSettings = (
  provider: ConfigProvider.ConfigProvider,
  options: { readonly otlpUrl?: string | undefined; readonly serviceName: string }
) =>
  Config.all({
    disabled: Config.Boolean("OTEL_SDK_DISABLED").pipe(Config.withDefault(false)),
    exporter: Config.Literals(["otlp", "none"], "OTEL_TRACES_EXPORTER").pipe(Config.withDefault("otlp" as const)),
    tracesEndpoint: Config.schema(Schema.UndefinedOr(HttpUrl), "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").pipe(Config.withDefault(undefined)),
    endpoint: Config.schema(Schema.UndefinedOr(HttpUrl), "OTEL_EXPORTER_OTLP_ENDPOINT").pipe(Config.withDefault(undefined)),
    protocol: Config.Literals(["http/protobuf", "http/json"], "OTEL_EXPORTER_OTLP_PROTOCOL").pipe(Config.withDefault("http/protobuf" as const)),
    sampler: Config.Literals(SAMPLERS, "OTEL_TRACES_SAMPLER").pipe(Config.withDefault("parentbased_always_on" as const)),
    ratio: Config.schema(Ratio, "OTEL_TRACES_SAMPLER_ARG").pipe(Config.withDefault(1)),
    serviceName: optionalText("OTEL_SERVICE_NAME"),
    headers: optionalText("OTEL_EXPORTER_OTLP_HEADERS"),
    exportEveryMillis: Config.Int("OTEL_BSP_SCHEDULE_DELAY").pipe(Config.withDefault(5_000))
  })
    .parse(provider)
    .pipe(
      Effect.flatMap((env) =>
        Effect.gen(function* () {
          const flag =
            options.otlpUrl === undefined
              ? undefined
              : yield* Schema.decodeUnknownEffect(HttpUrl)(options.otlpUrl).pipe(Effect.mapError((e) => `--otlp-url: ${e.message}`))
          const headers = env.headers === undefined ? {} : yield* headersOf(env.headers)
          const base = flag ?? env.tracesEndpoint ?? env.endpoint
          const explicit = flag === undefined && env.tracesEndpoint !== undefined
          return {
            tracesUrl: env.disabled || env.exporter === "none" || base === undefined ? undefined : explicit ? base : tracesUrlOf(base),
            protocol: env.protocol,
            sampler: env.sampler,
            ratio: env.ratio,
            serviceName: env.serviceName ?? options.serviceName,
            headers,
            exportEveryMillis: env.exportEveryMillis
          } satisfies TracingSettings
        })
      ),
      Effect.mapError((e) => new TracingMisconfigured({ message: typeof e === "string" ? e : e.message }))
    )

export class TracingMisconfigured extends Schema.TaggedError<TracingMisconfigured>()("TracingMisconfigured", {
  message: Schema.String
}) {}
