/** The runtime's metrics in Prometheus's text exposition format. */
import type { MetricsSnapshot } from "@blockchaincore/producer/metrics/ProducerMetrics"
import type { PipeStats } from "../runtime/LocalPipe.ts"

const metric = (name: string, type: "counter" | "gauge", help: string, samples: ReadonlyArray<readonly [string, number]>) =>
  [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples.map(([labels, value]) => `${name}${labels} ${value}`)].join("\n")

const symbolLabel = (symbol: string) => `{symbol="${symbol}"}`

export const prometheusText = (m: MetricsSnapshot, pipe: PipeStats, queueDepth: number): string => {
  const c = m.counters
  const symbols = [...c.symbols]
  return [
    metric("blockchaincore_frames_total", "counter", "Trade frames received", symbols.map(([s, v]) => [symbolLabel(s), v.frames])),
    metric("blockchaincore_trades_total", "counter", "Trades accepted (after de-duplication)", symbols.map(([s, v]) => [symbolLabel(s), v.trades])),
    metric("blockchaincore_trades_per_second", "gauge", "Trades per second over the last second", [...m.perSecond].map(([s, r]) => [symbolLabel(s), r.trades])),
    metric("blockchaincore_reconnects_total", "counter", "Stream reconnections", [["", c.reconnects]]),
    metric("blockchaincore_gaps_found_total", "counter", "Gaps in trade ids found", [["", c.gapsFound]]),
    metric("blockchaincore_gaps_unfillable_total", "counter", "Gaps REST could not fill", [["", c.gapsUnfillable]]),
    metric("blockchaincore_trades_backfilled_total", "counter", "Trades fetched from REST to fill gaps", [["", c.tradesBackfilled]]),
    metric("blockchaincore_frames_malformed_total", "counter", "Frames rejected as malformed", [["", c.framesMalformed]]),
    metric("blockchaincore_publish_latency_ms", "gauge", "Latency of the last publish to the queue", [["", m.publish.lastLatencyMillis]]),
    metric("blockchaincore_journal_batches", "gauge", "Batches waiting in the journal", [["", m.journalSize]]),
    metric("blockchaincore_queue_depth", "gauge", "Batches waiting in the trades queue", [["", queueDepth]]),
    metric("blockchaincore_batches_processed_total", "counter", "Batches processed into candles", [["", pipe.batches]]),
    metric("blockchaincore_batch_failures_total", "counter", "Batch processing failures (retried)", [["", pipe.failures]])
  ].join("\n") + "\n"
}
