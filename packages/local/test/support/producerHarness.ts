/**
 * The producer against the replay server on loopback, publishing into the local queue and bus:
 * runs until every trade of the recording has reached the queue (or a bounded wait ends), then
 * stops the producer and returns what arrived.
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Layer } from "effect"
import type { Trade } from "@blockchaincore/core/trade/Trade"
import { tradesOf, type TradeBatch } from "@blockchaincore/core/trade/TradeBatch"
import { type ProducerConfig, type ProducerHandle, runProducer } from "@blockchaincore/producer/Producer"
import type { MetricsSnapshot } from "@blockchaincore/producer/metrics/ProducerMetrics"
import { Journal } from "@blockchaincore/producer/publish/Journal"
import type { RecordedFrame } from "@blockchaincore/replay/Recording"
import { type ReplayOptions, ReplayServer } from "@blockchaincore/replay/ReplayServer"
import { DEFAULT_PLAN } from "@blockchaincore/producer/stream/StreamPlan"
import { EventBus } from "@blockchaincore/core/ports/EventBus"
import { OutboundHttp } from "@blockchaincore/adapters/http/OutboundHttp"
import { ExchangeRest } from "@blockchaincore/binance/rest/BinanceRest"
import { InProcessEventBus } from "../../src/memory/InProcessEventBus.ts"
import { SqliteTradeQueue } from "../../src/sqlite/SqliteTradeQueue.ts"

export interface HarnessRun {
  readonly batches: ReadonlyArray<TradeBatch>
  readonly trades: ReadonlyArray<Trade>
  readonly metrics: MetricsSnapshot
  readonly bus: InProcessEventBus["Service"]
  readonly server: ReplayServer
  readonly complete: boolean
}

export interface HarnessOptions {
  readonly replay?: ReplayOptions
  readonly producer?: Partial<ProducerConfig>
  /** Runs alongside the producer, e.g. to stop and restart the queue. */
  readonly during?: (queue: SqliteTradeQueue, producer: ProducerHandle) => Effect.Effect<void, unknown>
  readonly maxWaitMillis?: number
  /** The trades that must arrive (default: every trade of the recording). */
  readonly expected?: ReadonlyArray<RecordedFrame>
}

export const testConfig = (port: number, symbols: ReadonlyArray<string>): ProducerConfig => ({
  symbols,
  wsUrl: `ws://127.0.0.1:${port}`,
  client: {
    connectTimeoutMillis: 2_000,
    idleTimeoutMillis: 1_000,
    controlSpacingMillis: 250,
    backoff: { baseMillis: 50, capMillis: 400 },
    maxConnectionAgeMillis: 60 * 60_000
  },
  plan: DEFAULT_PLAN,
  batcher: { shards: 2, maxAgeMillis: 100, maxBytes: 200_000, closeAfterMillis: 100 }
})

/** The process's one REST client, against the replay server on `port`, quick to give up. */
export const testRest = (port: number) =>
  ExchangeRest.layer({ baseUrl: `http://127.0.0.1:${port}`, timeoutMillis: 2_000, weightBudget: 4_800, maxAttempts: 5, maxRetryAfterMillis: 5_000 }).pipe(
    Layer.provide(OutboundHttp)
  )

export const runAgainstReplay = async (frames: ReadonlyArray<RecordedFrame>, options: HarnessOptions = {}): Promise<HarnessRun> => {
  const server = new ReplayServer(frames, { pingIntervalMillis: 200, ...options.replay })
  const port = await server.listen()
  const queue = new SqliteTradeQueue({ keepHistory: true })
  const bus = Effect.runSync(InProcessEventBus.make({ keepHistory: true }))
  const expected = new Set((options.expected ?? frames).map((f) => `${f.trade.symbol}:${f.trade.firstId}`))
  const symbols = [...new Set(frames.map((f) => f.trade.symbol))]
  const arrived = () => {
    const seen = new Set<string>()
    for (const b of queue.accepted) for (const part of b.symbols) for (const t of part.trades) seen.add(`${part.symbol}:${t[0]}`)
    return [...expected].every((k) => seen.has(k))
  }
  const layers = Layer.mergeAll(
    queue.layer(),
    OutboundHttp,
    testRest(port),
    Layer.succeed(EventBus, EventBus.of({ publish: bus.publish })),
    Journal.layer(mkdtempSync(join(tmpdir(), "blockchaincore-journal-")))
  )
  try {
    const { metrics, complete } = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const handle = yield* runProducer({ ...testConfig(port, symbols), ...options.producer })
          if (options.during !== undefined) yield* Effect.forkScoped(options.during(queue, handle))
          yield* queue.until(arrived, options.maxWaitMillis ?? 60_000)
          return { metrics: handle.metrics(), complete: arrived() }
        })
      ).pipe(Effect.provide(layers))
    )
    const batches = [...queue.accepted]
    return { batches, trades: batches.flatMap((b) => b.symbols.flatMap(tradesOf)), metrics, bus, server, complete }
  } finally {
    await server.close()
  }
}
