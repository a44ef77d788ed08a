/** The producer's metrics as one line for a terminal. */
import type { MetricsSnapshot } from "./ProducerMetrics.ts"

export const statusLine = (m: MetricsSnapshot): string => {
  const c = m.counters
  const rate = [...m.perSecond.values()].reduce((n, r) => n + r.trades, 0)
  const trades = [...c.symbols.values()].reduce((n, s) => n + s.trades, 0)
  return [
    `trades ${trades} (${rate.toFixed(1)}/s)`,
    `reconnects ${c.reconnects}`,
    `gaps ${c.gapsFound} (open ${c.gapsWaiting.size}, filled ${c.gapsFilled}, asked again ${c.gapRetries}, silent ${c.silentGaps}, trades backfilled ${c.tradesBackfilled})`,
    `malformed ${c.framesMalformed}`,
    `published ${m.publish.published} batches (last ${m.publish.lastLatencyMillis} ms)`,
    `journal ${m.journalSize}`
  ].join(" | ")
}
