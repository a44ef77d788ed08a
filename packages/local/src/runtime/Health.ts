/** The local runtime's health (core/health/PipelineHealth.ts) from the producer's metrics, the queue and the pipe. */
import { isTrading } from "@blockchaincore/binance/rest/SymbolStatus"
import { Clock, Effect, Layer, Option } from "effect"
import { EventHistory } from "@blockchaincore/core/ports/EventHistory"
import type { PipelineHealth } from "@blockchaincore/core/health/PipelineHealth"
import type { MetricsSnapshot } from "@blockchaincore/producer/metrics/ProducerMetrics"
import { HealthReport } from "@blockchaincore/api/ReadApiServer"
import { hopLatencies } from "@blockchaincore/observability/HopTiming"
import { LocalTradeQueue } from "../sqlite/SqliteTradeQueue.ts"
import { LocalPipeStats } from "./LocalPipe.ts"
import { ProducerMonitor } from "./ProducerMonitor.ts"

/**
 * The producer's status from its connections: disconnected while any is down (attempts failing),
 * connecting while any is being (re)opened, ok when all are up; since the earliest of those.
 */
const producerStatus = (m: MetricsSnapshot | undefined): Pick<PipelineHealth, "status" | "since" | "detail"> => {
  const states = [...(m?.counters.connections.values() ?? [])]
  const worst = (state: "down" | "connecting") => states.filter((s) => s.state === state).sort((a, b) => a.since - b.since)
  const down = worst("down")
  const connecting = worst("connecting")
  if (down[0] !== undefined) return { status: "disconnected", since: down[0].since, detail: down[0].detail }
  if (connecting[0] !== undefined || states.length === 0)
    return { status: "connecting", since: connecting[0]?.since ?? null, detail: connecting[0]?.detail ?? "" }
  return { status: "ok", since: Math.min(...states.map((s) => s.since)), detail: "" }
}

const pipelineHealth = (
  symbols: ReadonlyArray<string>,
  m: MetricsSnapshot | undefined,
  queueDepth: number,
  batchesProcessed: number,
  now: number
): PipelineHealth => {
  const c = m?.counters
  return {
    ...producerStatus(m),
    now,
    connectionsUp: c?.connectionsUp.size ?? 0,
    reconnects: c?.reconnects ?? 0,
    gapsOpen: c?.gapsWaiting.size ?? 0,
    gapsFilled: c?.gapsFilled ?? 0,
    gapsOverdue: [...(c?.gapsWaiting.values() ?? [])]
      .filter((w) => w.overdue)
      .map(({ gap, foundAt }) => ({ symbol: gap.symbol, fromId: gap.fromId, toId: gap.toId, openSeconds: Math.max(0, Math.round((now - foundAt) / 1000)) })),
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
        lastTradeAgeSeconds: seen ? Math.max(0, Math.round((now - s.lastTradeAt) / 100) / 10) : null,
        ...(s !== undefined && s.silentSince > 0 ? { silentSince: s.silentSince } : {}),
        ...(s !== undefined && s.status !== "" && !isTrading(s.status) ? { exchangeStatus: s.status } : {})
      }
    })
  }
}

/** `/health` of the local runtime: connecting until the producer has started, then from its connections. */
export const localHealthReport = (symbols: ReadonlyArray<string>, consumers: ReadonlyArray<string>) =>
  Layer.effect(
    HealthReport,
    Effect.gen(function* () {
      const monitor = yield* ProducerMonitor
      const queue = yield* LocalTradeQueue
      const pipe = yield* LocalPipeStats
      const history = yield* EventHistory
      return {
        current: Effect.gen(function* () {
          const health = pipelineHealth(symbols, yield* monitor.metrics, queue.depth, pipe.batches, yield* Clock.currentTimeMillis)
          // A history that cannot be read costs /health only this part.
          const reconciliation = yield* history.reconciliation.pipe(Effect.option)
          const latency = yield* hopLatencies(consumers)
          return Option.isSome(reconciliation) ? { ...health, reconciliation: reconciliation.value, latency } : { ...health, latency }
        })
      }
    })
  )
