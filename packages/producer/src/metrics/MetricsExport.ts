/**
 * The producer's counters as Effect `Metric`s, which Prometheus and OTLP exporters read. The hot
 * path counts in plain fields (a metric update per frame would cost more than decoding the
 * frame); once a second the sampler adds to each counter what changed since the last export and
 * sets the gauges.
 */
import { Effect, Metric } from "effect"
import type { MetricsSnapshot } from "./ProducerMetrics.ts"

const counter = (name: string, description: string) => Metric.counter(name, { description, incremental: true })
const gauge = (name: string, description: string) => Metric.gauge(name, { description })

const perSymbol = {
  frames: counter("blockchaincore_frames_total", "Trade frames received"),
  trades: counter("blockchaincore_trades_total", "Trades accepted (after de-duplication)"),
  tradesPerSecond: gauge("blockchaincore_trades_per_second", "Trades per second over the last second")
}

/** The producer-wide counters, each read from a snapshot. */
const totals: ReadonlyArray<readonly [Metric.Metric<number, unknown>, (m: MetricsSnapshot) => number]> = [
  [counter("blockchaincore_frames_malformed_total", "Frames rejected as malformed"), (m) => m.counters.framesMalformed],
  [counter("blockchaincore_duplicates_dropped_total", "Trades dropped as already delivered"), (m) => m.counters.duplicatesDropped],
  [counter("blockchaincore_connects_total", "Stream connections opened"), (m) => m.counters.connects],
  [counter("blockchaincore_reconnects_total", "Stream reconnections after a loss"), (m) => m.counters.reconnects],
  [counter("blockchaincore_connect_failures_total", "Failed connection attempts"), (m) => m.counters.connectFailures],
  [counter("blockchaincore_rotations_total", "Connections replaced before Binance's 24-hour cut or on serverShutdown"), (m) => m.counters.rotations],
  [counter("blockchaincore_gaps_found_total", "Gaps in trade ids found"), (m) => m.counters.gapsFound],
  [counter("blockchaincore_gaps_filled_total", "Gaps filled from REST"), (m) => m.counters.gapsFilled],
  [
    counter("blockchaincore_silent_gaps_total", "Gaps the completeness watermark found: a symbol silent behind the exchange's last trade id"),
    (m) => m.counters.silentGaps
  ],
  [
    counter("blockchaincore_gap_retries_total", "Asks of REST for a gap's trades that came back short, each asked again with backoff"),
    (m) => m.counters.gapRetries
  ],
  [counter("blockchaincore_trades_backfilled_total", "Trades fetched from REST to fill gaps"), (m) => m.counters.tradesBackfilled],
  [counter("blockchaincore_bus_failures_total", "Domain events the bus refused"), (m) => m.counters.busFailures],
  [counter("blockchaincore_batches_published_total", "Trade batches published to the queue"), (m) => m.publish.published],
  [counter("blockchaincore_batches_journaled_total", "Trade batches written to the journal while the queue was away"), (m) => m.publish.journaled]
]

const gauges: ReadonlyArray<readonly [Metric.Metric<number, unknown>, (m: MetricsSnapshot) => number]> = [
  [gauge("blockchaincore_connections_up", "Stream connections up now"), (m) => m.counters.connectionsUp.size],
  [gauge("blockchaincore_gaps_open", "Gaps whose trades REST has not given yet"), (m) => m.counters.gapsWaiting.size],
  [gauge("blockchaincore_gaps_overdue", "Open gaps past the overdue age"), (m) => [...m.counters.gapsWaiting.values()].filter((g) => g.overdue).length],
  [gauge("blockchaincore_publish_latency_ms", "Latency of the last publish to the queue"), (m) => m.publish.lastLatencyMillis],
  [gauge("blockchaincore_journal_batches", "Batches waiting in the journal"), (m) => m.journalSize]
]

/** Adds to the metrics what the counters gained since the previous call. */
export const makeMetricsExport = () => {
  const exported = new Map<unknown, number>()
  const symbolMetrics = new Map<string, { [K in keyof typeof perSymbol]: (typeof perSymbol)[K] }>()
  const metricsOf = (symbol: string) => {
    let m = symbolMetrics.get(symbol)
    if (m === undefined) {
      const attributes = { symbol }
      m = {
        frames: Metric.withAttributes(perSymbol.frames, attributes),
        trades: Metric.withAttributes(perSymbol.trades, attributes),
        tradesPerSecond: Metric.withAttributes(perSymbol.tradesPerSecond, attributes)
      }
      symbolMetrics.set(symbol, m)
    }
    return m
  }
  /** The part of `value` not yet exported under `key`. */
  const delta = (key: unknown, value: number) => {
    const gained = value - (exported.get(key) ?? 0)
    exported.set(key, value)
    return gained
  }
  return (snapshot: MetricsSnapshot): Effect.Effect<void> =>
    Effect.gen(function* () {
      for (const [symbol, c] of snapshot.counters.symbols) {
        const m = metricsOf(symbol)
        const frames = delta(m.frames, c.frames)
        const trades = delta(m.trades, c.trades)
        if (frames > 0) yield* Metric.update(m.frames, frames)
        if (trades > 0) yield* Metric.update(m.trades, trades)
        yield* Metric.update(m.tradesPerSecond, snapshot.perSecond.get(symbol)?.trades ?? 0)
      }
      for (const [metric, read] of totals) {
        const gained = delta(metric, read(snapshot))
        if (gained > 0) yield* Metric.update(metric, gained)
      }
      for (const [metric, read] of gauges) yield* Metric.update(metric, read(snapshot))
    })
}
