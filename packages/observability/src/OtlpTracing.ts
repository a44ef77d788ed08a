/**
 * Spans out over OTLP/HTTP, through the process's one outbound client, to the endpoint the
 * settings name, keeping the share of traces the sampler says. Off (no endpoint), the default
 * tracer stays and nothing is sent. The `Flusher` it provides sends what is buffered at once: a
 * Lambda function calls it before it returns, since a frozen function sends nothing.
 */
import { Effect, Layer, Option, Tracer } from "effect"
import type { HttpClient } from "effect/http"
import { OtlpExporter, OtlpSerialization, OtlpTracer } from "effect/observability"
import type { SamplerName, TracingSettings } from "./TracingSettings.ts"

/**
 * Whether a new span is sampled. A root, by the sampler: always, never, or the given share of
 * traces. A span under a parent, as its parent was: this system carries only sampled contexts, and
 * a trace kept by its id's ratio keeps all its spans, so following the parent is what every
 * sampler but `always_off` decides here.
 */
export const samplingTracer = (inner: Tracer.Tracer, sampler: SamplerName, ratio: number, random: () => number = Math.random): Tracer.Tracer => {
  const keepRoot = (): boolean => (sampler.endsWith("always_on") ? true : sampler.endsWith("always_off") ? false : random() < ratio)
  return Tracer.make({
    span(options) {
      const parent = Option.getOrUndefined(options.parent)
      const sampled = options.sampled && (parent === undefined ? keepRoot() : parent.sampled && sampler !== "always_off")
      return inner.span({ ...options, sampled })
    },
    ...(inner.context === undefined ? {} : { context: inner.context })
  })
}

export const otlpTracing = (settings: TracingSettings): Layer.Layer<OtlpExporter.Flusher, never, HttpClient.HttpClient> => {
  const url = settings.tracesUrl
  if (url === undefined) return OtlpExporter.layerFlusher
  const tracer = OtlpTracer.make({
    url,
    resource: { serviceName: settings.serviceName },
    headers: settings.headers,
    exportInterval: `${settings.exportEveryMillis} millis`
  }).pipe(Effect.map((inner) => samplingTracer(inner, settings.sampler, settings.ratio)))
  return Layer.effect(Tracer.Tracer, tracer).pipe(
    Layer.provideMerge(OtlpExporter.layerFlusher),
    Layer.provide(settings.protocol === "http/json" ? OtlpSerialization.layerJson : OtlpSerialization.layerProtobuf)
  )
}
