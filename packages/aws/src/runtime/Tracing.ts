/**
 * Tracing in a Lambda function: spans go over OTLP to the endpoint the stage names in the
 * function's environment (OpenTelemetry's variables, TracingSettings.ts), through the one
 * outbound client (signing for CloudWatch's own OTLP endpoint, XRayOtlp.ts); off without one. A function is frozen once it returns, so each invocation
 * sends its spans before it ends (`flushed`).
 */
import { Config, ConfigProvider, Duration, Effect, Layer, Option } from "effect"
import { OtlpExporter } from "effect/observability"
import { OutboundHttp } from "@blockchaincore/adapters/http/OutboundHttp"
import { otlpTracing } from "@blockchaincore/observability/OtlpTracing"
import { readTracingSettings } from "@blockchaincore/observability/TracingSettings"
import { FunctionMisconfigured } from "./HandlerErrors.ts"
import { xraySigning } from "./XRayOtlp.ts"

/** Read when the function loads: a bad setting fails every invocation, naming it. */
export const functionTracing: Layer.Layer<OtlpExporter.Flusher, FunctionMisconfigured> = Layer.unwrap(
  Effect.gen(function* () {
    const provider = ConfigProvider.fromEnv()
    const serviceName = yield* Config.String("AWS_LAMBDA_FUNCTION_NAME")
      .pipe(Config.withDefault("blockchaincore"))
      .parse(provider)
      .pipe(Effect.orElseSucceed(() => "blockchaincore"))
    const settings = yield* readTracingSettings(provider, { serviceName }).pipe(
      Effect.mapError((e) => new FunctionMisconfigured({ message: `tracing: ${e.message}` }))
    )
    return otlpTracing(settings).pipe(Layer.provide(xraySigning(OutboundHttp)))
  })
)

/** How long an invocation waits for its spans to go: an endpoint that is down or throttling costs it no more. */
const FLUSH_LIMIT = Duration.seconds(2)

/** The invocation, then its spans sent: a failed or slow export is logged, never the invocation's failure. */
export const flushed = <A, E, R>(invocation: Effect.Effect<A, E, R>): Effect.Effect<A, E, R | OtlpExporter.Flusher> =>
  Effect.ensuring(
    invocation,
    Effect.gen(function* () {
      const sent = yield* (yield* OtlpExporter.Flusher).flush.pipe(Effect.timeoutOption(FLUSH_LIMIT))
      if (Option.isNone(sent)) yield* Effect.logWarning(`spans not sent within ${Duration.format(FLUSH_LIMIT)}: the invocation goes on without them`)
    })
  )
