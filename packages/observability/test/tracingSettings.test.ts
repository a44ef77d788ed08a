/**
 * The tracing settings read as OpenTelemetry's SDKs read them, and its samplers' decisions: a
 * root by the sampler (all, none, a share), a span under a parent as the parent was.
 */
import { expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Option, Tracer } from "effect"
import { samplingTracer } from "../src/OtlpTracing.ts"
import { readTracingSettings } from "../src/TracingSettings.ts"

const read = (env: Record<string, string>, otlpUrl?: string) => readTracingSettings(ConfigProvider.fromEnv({ env }), { otlpUrl, serviceName: "blockchaincore" })

it.effect("is off without an endpoint, and builds the traces URL as the exporter specification does", () =>
  Effect.gen(function* () {
    expect((yield* read({})).tracesUrl).toBeUndefined()
    expect((yield* read({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" })).tracesUrl).toBe("http://collector:4318/v1/traces")
    expect((yield* read({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/" })).tracesUrl).toBe("http://collector:4318/v1/traces")
    // The signal's own variable is the whole URL, used as given.
    expect((yield* read({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://xray.eu-west-1.amazonaws.com/v1/traces" })).tracesUrl).toBe(
      "https://xray.eu-west-1.amazonaws.com/v1/traces"
    )
    // The flag first; the SDK's off switches last.
    expect((yield* read({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://other:4318" }, "http://127.0.0.1:4318")).tracesUrl).toBe("http://127.0.0.1:4318/v1/traces")
    expect((yield* read({ OTEL_SDK_DISABLED: "true" }, "http://127.0.0.1:4318")).tracesUrl).toBeUndefined()
    expect((yield* read({ OTEL_TRACES_EXPORTER: "none", OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" })).tracesUrl).toBeUndefined()
  })
)

it.effect("takes the sampler, its ratio, the protocol, the service name and the headers", () =>
  Effect.gen(function* () {
    const settings = yield* read({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
      OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
      OTEL_TRACES_SAMPLER_ARG: "0.05",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_SERVICE_NAME: "market-data",
      OTEL_EXPORTER_OTLP_HEADERS: "x-api-key=abc%3D,tenant = blue,authorization=Basic dXNlcjpwYXNz=="
    })
    expect(settings).toMatchObject({
      sampler: "parentbased_traceidratio",
      ratio: 0.05,
      protocol: "http/json",
      serviceName: "market-data",
      headers: { "x-api-key": "abc=", tenant: "blue", authorization: "Basic dXNlcjpwYXNz==" }
    })
    expect((yield* read({})).sampler).toBe("parentbased_always_on")
  })
)

it.effect("fails naming the variable or the flag that is wrong", () =>
  Effect.gen(function* () {
    expect((yield* Effect.flip(read({ OTEL_TRACES_SAMPLER: "jaeger_remote" }))).message).toMatch(/OTEL_TRACES_SAMPLER/)
    expect((yield* Effect.flip(read({ OTEL_TRACES_SAMPLER_ARG: "1.5" }))).message).toMatch(/OTEL_TRACES_SAMPLER_ARG/)
    expect((yield* Effect.flip(read({ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" }))).message).toMatch(/OTEL_EXPORTER_OTLP_ENDPOINT/)
    expect((yield* Effect.flip(read({}, "grpc://collector:4317"))).message).toMatch(/^--otlp-url: /)
    expect((yield* Effect.flip(read({ OTEL_EXPORTER_OTLP_HEADERS: "x-api-key=%E0%A4%A" }))).message).toMatch(/OTEL_EXPORTER_OTLP_HEADERS/)
  })
)

/** A tracer that records the sampling decision of each span it is asked for. */
const decisions = (sampler: Parameters<typeof samplingTracer>[1], ratio: number, parents: ReadonlyArray<Tracer.AnySpan | undefined>) => {
  let seed = 1
  // A fixed sequence in [0, 1): the share is checked, not the luck of a run.
  const random = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647
  const tracer = samplingTracer(Tracer.nativeTracer, sampler, ratio, random)
  return parents.map(
    (parent) =>
      tracer.span({
        name: "s",
        parent: Option.fromUndefinedOr(parent),
        annotations: Effect.runSync(Effect.context()),
        links: [],
        startTime: 0n,
        kind: "internal",
        root: parent === undefined,
        sampled: true
      }).sampled
  )
}

it("keeps all, none or the given share of new traces, and a child as its parent", () => {
  const roots = Array.from({ length: 4_000 }, () => undefined)
  expect(decisions("always_on", 1, roots).every(Boolean)).toBe(true)
  expect(decisions("parentbased_always_off", 1, roots).some(Boolean)).toBe(false)
  const kept = decisions("traceidratio", 0.25, roots).filter(Boolean).length
  expect(kept).toBeGreaterThan(900)
  expect(kept).toBeLessThan(1_100)
  const sampled = Tracer.externalSpan({ traceId: "a".repeat(32), spanId: "b".repeat(16), sampled: true })
  const unsampled = Tracer.externalSpan({ traceId: "c".repeat(32), spanId: "d".repeat(16), sampled: false })
  expect(decisions("parentbased_traceidratio", 0, [sampled, unsampled])).toEqual([true, false])
  expect(decisions("traceidratio", 0, [sampled])).toEqual([true])
  expect(decisions("always_off", 1, [sampled])).toEqual([false])
})
