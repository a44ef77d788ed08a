/** The producer's plain counters reach Effect's metrics once each: what Prometheus scrapes is their total, not a sum of snapshots. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Metric } from "effect"
import { PrometheusMetrics } from "effect/observability"
import { makeMetricsExport } from "../src/metrics/MetricsExport.ts"
import { type MetricsSnapshot, ProducerMetrics } from "../src/metrics/ProducerMetrics.ts"

const snapshotOf = (metrics: ProducerMetrics, published: number): MetricsSnapshot => ({
  counters: metrics.counters,
  perSecond: metrics.perSecond(),
  publish: { published, journaled: 0, lastLatencyMillis: 3, failures: 0 },
  journalSize: 0
})

describe("metrics export", () => {
  it.effect("adds each counter's gain since the previous export, per symbol, and sets the gauges", () =>
    Effect.gen(function* () {
      const metrics = new ProducerMetrics(0)
      const exportMetrics = makeMetricsExport()
      const text = yield* Effect.gen(function* () {
        metrics.symbol("BTCUSDT").frames = 10
        metrics.symbol("BTCUSDT").trades = 9
        metrics.counters.reconnects = 1
        metrics.sample(1_000)
        yield* exportMetrics(snapshotOf(metrics, 4))
        metrics.symbol("BTCUSDT").frames = 25
        metrics.symbol("BTCUSDT").trades = 20
        metrics.symbol("ETHUSDT").frames = 2
        metrics.counters.connectionsUp.add(0)
        metrics.sample(2_000)
        yield* exportMetrics(snapshotOf(metrics, 6))
        return yield* PrometheusMetrics.format()
      }).pipe(Effect.provideService(Metric.MetricRegistry, new Map()))
      const sample = (name: string) => new RegExp(`^${name.replace(/[{}]/g, "\\$&")} (\\S+)$`, "m").exec(text)?.[1]
      expect(sample(`blockchaincore_frames_total{symbol="BTCUSDT"}`)).toBe("25")
      expect(sample(`blockchaincore_trades_total{symbol="BTCUSDT"}`)).toBe("20")
      expect(sample(`blockchaincore_frames_total{symbol="ETHUSDT"}`)).toBe("2")
      expect(sample(`blockchaincore_trades_per_second{symbol="BTCUSDT"}`)).toBe("11")
      expect(sample("blockchaincore_reconnects_total")).toBe("1")
      expect(sample("blockchaincore_batches_published_total")).toBe("6")
      expect(sample("blockchaincore_connections_up")).toBe("1")
      expect(sample("blockchaincore_publish_latency_ms")).toBe("3")
    })
  )
})
