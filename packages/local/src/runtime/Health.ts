/** The local runtime's health (core/health/PipelineHealth.ts) from the producer's metrics, the queue and the pipe. */
import type { PipelineHealth } from "@blockchaincore/core/health/PipelineHealth"
import type { MetricsSnapshot } from "@blockchaincore/producer/metrics/ProducerMetrics"

export const pipelineHealth = (symbols: ReadonlyArray<string>, m: MetricsSnapshot | undefined, queueDepth: number, batchesProcessed: number, now: number): PipelineHealth => {
  const c = m?.counters
  return {
    status: c === undefined || c.connects === 0 ? "connecting" : c.connectionsUp.size === 0 ? "disconnected" : "ok",
    now,
    connectionsUp: c?.connectionsUp.size ?? 0,
    reconnects: c?.reconnects ?? 0,
    gapsOpen: c === undefined ? 0 : c.gapsFound - c.gapsFilled - c.gapsUnfillable,
    gapsFilled: c?.gapsFilled ?? 0,
    queueDepth,
    batchesProcessed,
    journal: m?.journalSize ?? 0,
    symbols: symbols.map((symbol) => {
      const s = c?.symbols.get(symbol)
      const seen = s !== undefined && s.lastTradeAt > 0
      return {
        symbol,
        tradesPerSecond: Math.round((m?.perSecond.get(symbol)?.trades ?? 0) * 10) / 10,
        lastTradeTime: seen ? s.lastTradeTime : null,
        lastTradeAgeSeconds: seen ? Math.max(0, Math.round((now - s.lastTradeAt) / 100) / 10) : null
      }
    })
  }
}
