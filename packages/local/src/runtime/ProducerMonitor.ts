/**
 * What the rest of the runtime sees of the producer: its metrics once it has started, nothing
 * before. The HTTP server starts first, so a request may come before the producer exists; it
 * then reads "connecting", never an exception.
 */
import { Context, Effect, Layer, Ref } from "effect"
import type { MetricsSnapshot } from "@blockchaincore/producer/metrics/ProducerMetrics"

interface MonitoredProducer {
  readonly metrics: () => MetricsSnapshot
  /** Adds what the producer counted since the last export to the Effect metrics. */
  readonly exportMetrics: Effect.Effect<void>
}

export class ProducerMonitor extends Context.Service<
  ProducerMonitor,
  {
    readonly attach: (producer: MonitoredProducer) => Effect.Effect<void>
    readonly metrics: Effect.Effect<MetricsSnapshot | undefined>
    readonly exportMetrics: Effect.Effect<void>
  }
>()("@blockchaincore/local/runtime/ProducerMonitor") {
  static readonly layer = Layer.effect(
    ProducerMonitor,
    Effect.gen(function* () {
      const attached = yield* Ref.make<MonitoredProducer | undefined>(undefined)
      return {
        attach: (producer) => Ref.set(attached, producer),
        metrics: Effect.map(Ref.get(attached), (p) => p?.metrics()),
        exportMetrics: Effect.flatMap(Ref.get(attached), (p) => p?.exportMetrics ?? Effect.void)
      }
    })
  )
}
