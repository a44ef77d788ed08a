/**
 * The whole pipeline in one process (`npm start`), as layers, each built on the ones below it:
 *
 *   ports       queue, bus, journal, candle store, archive, history (LocalPorts.ts)
 *   services    enrichment (with the instruments) and the processor
 *   HTTP        the API, live events, metrics and dashboard on 127.0.0.1 (up before the producer)
 *   consumers   every registry entry, subscribed to the bus in a fiber of its own
 *   pipe        the queue into enrichment and the processor
 *   producer    against Binance, or against a replay server started here; live, a warm start
 *               first fills the anomaly rules' history from Binance's klines
 *
 * Layers are released in the reverse order: the producer stops and flushes its batches to the
 * queue, the pipe processes what is queued, the consumers and the API stop, the stores close.
 * The engine's state is saved with every batch, so a restart continues without losing or double
 * counting a trade. Each run has its own metric registry.
 */
import { Context, Duration, Effect, Layer, Metric, Schedule, type Scope, Stream } from "effect"
import type { AnomalyConfig } from "@blockchaincore/core/anomaly/AnomalyConfig"
import { AnomalySettings } from "@blockchaincore/core/anomaly/AnomalySettings"
import { EngineStateStore } from "@blockchaincore/core/ports/EngineStateStore"
import type { MetricsSnapshot } from "@blockchaincore/producer/metrics/ProducerMetrics"
import { statusLine } from "@blockchaincore/producer/metrics/statusLine"
import type { ProducerStopped } from "@blockchaincore/producer/Producer"
import { layerBinanceKlines } from "@blockchaincore/binance/rest/BinanceKlines"
import { recordingFrames } from "../input/RecordingFile.ts"
import { ReplayServer } from "@blockchaincore/replay/ReplayServer"
import { DEFAULT_REST, ExchangeRest } from "@blockchaincore/binance/rest/BinanceRest"
import type { CompletenessOptions } from "@blockchaincore/producer/completeness/SilentSymbols"
import { OutboundHttp } from "@blockchaincore/adapters/http/OutboundHttp"
import { otlpTracing } from "@blockchaincore/observability/OtlpTracing"
import { TRACING_OFF, type TracingSettings } from "@blockchaincore/observability/TracingSettings"
import { ServedSymbols } from "@blockchaincore/api/ReadApiServer"
import type { Consumer } from "@blockchaincore/services/consumers/ConsumerDeclaration"
import { REGISTRY } from "@blockchaincore/services/consumers/ConsumerRegistry"
import { DEFAULT_ENGINE, Processor } from "@blockchaincore/services/processor/Processor"
import { HttpServer } from "effect/http"
import { type BusOptions, InProcessEventBus } from "../memory/InProcessEventBus.ts"
import { DASHBOARD_DIR, localHttpServer } from "../http/LocalHttpServer.ts"
import { type SqliteTradeQueue, LocalTradeQueue } from "../sqlite/SqliteTradeQueue.ts"
import { localHealthReport } from "./Health.ts"
import { drainLocalPipe, LocalPipeStats, type PipeStats, runLocalPipe } from "./LocalPipe.ts"
import { consumerDropped, consumerFailures } from "./PipeMetrics.ts"
import { localPorts, type LocalPortServices, portLayersOf } from "./LocalPorts.ts"
import { ProducerMonitor } from "./ProducerMonitor.ts"
import { CONSUMER_RETRY } from "./ConsumerRetry.ts"
import { consume, enrichment } from "@blockchaincore/pipeline/Pipeline"
import { produce } from "@blockchaincore/pipeline/ProduceStage"
import { CandleStore } from "@blockchaincore/core/ports/CandleStore"
import { join } from "node:path"

/** How long a stop goes on processing what is queued. */
const FINAL_DRAIN = Duration.seconds(3)
export interface LocalRuntimeConfig {
  readonly symbols: ReadonlyArray<string> | undefined
  readonly wsUrl: string
  readonly restUrl: string
  readonly replay: { readonly file: string; readonly speed: number | undefined } | undefined
  readonly dataDir: string
  readonly port: number
  readonly deliverTwice?: boolean
  readonly statusEveryMillis?: number
  /** A Slack- or Discord-style webhook for the webhook consumer; without it, that consumer only logs. */
  readonly webhookUrl?: string
  readonly bus?: BusOptions
  /** The anomaly rules' settings per symbol and interval; the defaults without. */
  readonly anomalyConfig?: AnomalyConfig
  /** How often the stream is checked against the exchange's last trade ids, and when a silence is announced; DEFAULT_COMPLETENESS by default. */
  readonly completeness?: CompletenessOptions
  /** The consumers subscribed to the bus; the registry's by default. */
  readonly consumers?: ReadonlyArray<Consumer>
  /** Where the built dashboard is; packages/web/dist by default. */
  readonly dashboardDir?: string
  /** Where spans go and which are kept; off (the default), nothing is sent or carried. */
  readonly tracing?: TracingSettings
}

/** The running runtime, for the command that started it and for tests. */
export class LocalRuntime extends Context.Service<
  LocalRuntime,
  {
    readonly port: number
    readonly symbols: ReadonlyArray<string>
    readonly queue: SqliteTradeQueue
    readonly bus: InProcessEventBus["Service"]
    readonly pipe: PipeStats
    readonly metrics: () => MetricsSnapshot
    /** Fails when the producer cannot go on (see ProducerHandle.stopped); never succeeds. */
    readonly stopped: Effect.Effect<never, ProducerStopped>
  }
>()("@blockchaincore/local/runtime/LocalRuntime") {}

const DEFAULT_SYMBOLS = ["BTCUSDT", "ETHUSDT"]

/** Where the trades come from: Binance, or a replay server on loopback serving a recording. */
class MarketSource extends Context.Service<
  MarketSource,
  {
    readonly wsUrl: string
    readonly restUrl: string
    readonly symbols: ReadonlyArray<string>
    readonly progress: () => string
  }
>()("@blockchaincore/local/runtime/MarketSource") {
  static readonly layer = (config: LocalRuntimeConfig) =>
    Layer.effect(
      MarketSource,
      Effect.gen(function* () {
        if (config.replay === undefined) return { wsUrl: config.wsUrl, restUrl: config.restUrl, symbols: config.symbols ?? DEFAULT_SYMBOLS, progress: () => "" }
        const file = config.replay.file
        const frames = yield* recordingFrames("--replay", file)
        const speed = config.replay.speed
        const server = new ReplayServer(frames, speed === undefined ? {} : { speed })
        const port = yield* Effect.acquireRelease(
          Effect.promise(() => server.listen()),
          () => Effect.promise(() => server.close())
        )
        return {
          wsUrl: `ws://127.0.0.1:${port}`,
          restUrl: `http://127.0.0.1:${port}`,
          symbols: config.symbols ?? [...new Set(frames.map((f) => f.trade.symbol))],
          progress: () => ` | replay ${Math.min(100, Math.floor((server.stats.framesSent / frames.length) * 100))}% of ${frames.length} frames`
        }
      })
    )
}

/** Enrichment, with Binance's answer about the instruments kept in the data directory, and the processor. */
const pipelineServices = (dataDir: string) =>
  Layer.mergeAll(
    Processor.layer(DEFAULT_ENGINE),
    Layer.unwrap(
      Effect.gen(function* () {
        return enrichment((yield* MarketSource).symbols, join(dataDir, "exchangeInfo.json"))
      })
    )
  )

/** Every registry entry on the local ports, each reading its own bus subscription in its own fiber. */
const consumers = (registry: ReadonlyArray<Consumer>) =>
  Layer.effectDiscard(
    Effect.gen(function* () {
      const bus = yield* InProcessEventBus
      const ports = portLayersOf(yield* Effect.context<LocalPortServices>())
      for (const entry of registry) {
        const handle = yield* entry.handlerOn(ports)
        const deliveries = yield* bus.deliveries(entry.pattern)
        const failures = Metric.withAttributes(consumerFailures, { consumer: entry.name })
        const dropped = Metric.withAttributes(consumerDropped, { consumer: entry.name })
        // A failure is counted, retried, then logged: one consumer's trouble never stops the bus or the others.
        yield* Effect.forkScoped(
          Stream.runForEach(deliveries, ({ event, traceparent }) =>
            consume(entry.name, handle)(event, traceparent).pipe(
              Effect.tapError(() => Metric.update(failures, 1)),
              Effect.retry(CONSUMER_RETRY),
              Effect.catch((e) => Metric.update(dropped, 1).pipe(Effect.andThen(Effect.logError(`consumer ${entry.name}: ${e.message}`))))
            )
          )
        )
      }
    })
  )

/** Logged when the runtime has stopped, after the pipe processed what was queued: what it did. */
const stoppedSummary = Layer.effectDiscard(
  Effect.gen(function* () {
    const monitor = yield* ProducerMonitor
    const stats = yield* LocalPipeStats
    yield* Effect.addFinalizer(() =>
      Effect.flatMap(monitor.metrics, (m) =>
        Effect.logInfo(`stopped: ${m === undefined ? "the producer never started" : statusLine(m)} | processed ${stats.batches} batches`)
      )
    )
  })
)

const pipe = (options: { readonly deliverTwice?: boolean }) =>
  Layer.effectDiscard(
    Effect.gen(function* () {
      const queue = yield* LocalTradeQueue
      const stats = yield* LocalPipeStats
      // Registered before the pipe's fiber is forked, so it runs after that fiber is interrupted.
      // What is queued at a stop is processed for a few seconds at most: the rest stays in the
      // durable queue, and the next start processes it first.
      yield* Effect.addFinalizer(() =>
        drainLocalPipe(queue, stats).pipe(
          Effect.timeoutOrElse({ duration: FINAL_DRAIN, orElse: () => Effect.logInfo(`stopping with batches still queued; the next start processes them`) }),
          Effect.catch((e) => Effect.logError(`final drain: ${e.message}`))
        )
      )
      yield* Effect.forkScoped(runLocalPipe(queue, stats, options))
    })
  )

const producer = (config: LocalRuntimeConfig) =>
  Layer.effect(
    LocalRuntime,
    Effect.gen(function* () {
      const source = yield* MarketSource
      const queue = yield* LocalTradeQueue
      const stats = yield* LocalPipeStats
      const server = yield* HttpServer.HttpServer
      // Resumed where the processor stands (the engine's state in the data directory); live, warmed.
      const handle = yield* produce({
        symbols: source.symbols,
        wsUrl: source.wsUrl,
        recorded: config.replay !== undefined,
        ...(config.completeness === undefined ? {} : { completeness: config.completeness }),
        states: yield* EngineStateStore,
        ...(config.replay === undefined ? { warmStart: { config: yield* AnomalySettings, candles: yield* CandleStore } } : {})
      })
      yield* (yield* ProducerMonitor).attach(handle)
      const status = Effect.suspend(() => Effect.logInfo(`${statusLine(handle.metrics())} | processed ${stats.batches} batches${source.progress()}`))
      yield* Effect.forkScoped(
        status.pipe(Effect.delay(config.statusEveryMillis ?? 60_000), Effect.repeat(Schedule.spaced(config.statusEveryMillis ?? 60_000)))
      )
      const address = server.address
      return {
        port: address._tag === "UnixPathAddress" ? 0 : address.port,
        symbols: source.symbols,
        queue,
        bus: yield* InProcessEventBus,
        pipe: stats,
        metrics: handle.metrics,
        stopped: handle.stopped
      }
    })
  )

/** Everything but the producer: the ports, the services, the HTTP server, the consumers and the pipe. */
export const localRuntimeBelowProducer = (config: LocalRuntimeConfig) => {
  const ports = localPorts({
    dataDir: config.dataDir,
    ...(config.bus === undefined ? {} : { bus: config.bus }),
    ...(config.webhookUrl === undefined ? {} : { webhookUrl: config.webhookUrl }),
    ...(config.anomalyConfig === undefined ? {} : { anomalyConfig: config.anomalyConfig })
  })
  // The exchange's klines, for the reconciliation of closed hours, from wherever the market comes from.
  // One REST client for the process: Binance's weight limit is per IP.
  const rest = Layer.unwrap(
    Effect.gen(function* () {
      return ExchangeRest.layer({ ...DEFAULT_REST, baseUrl: (yield* MarketSource).restUrl })
    })
  )
  const market = Layer.provideMerge(Layer.provideMerge(layerBinanceKlines, rest), MarketSource.layer(config))
  const base = Layer.provideMerge(
    stoppedSummary,
    Layer.mergeAll(
      ports,
      market,
      ProducerMonitor.layer,
      Layer.sync(LocalPipeStats, (): PipeStats => ({ batches: 0, failures: 0, redeliveries: 0 }))
    )
  ).pipe(
    // Every call out (REST, exchangeInfo, the webhook) shares the one client.
    Layer.provideMerge(OutboundHttp)
  )
  const withServices = Layer.provideMerge(pipelineServices(config.dataDir), base)
  const http = Layer.unwrap(
    Effect.gen(function* () {
      const source = yield* MarketSource
      return localHttpServer({ port: config.port, dashboardDir: config.dashboardDir ?? DASHBOARD_DIR }).pipe(
        Layer.provide(
          Layer.mergeAll(
            localHealthReport(
              source.symbols,
              (config.consumers ?? REGISTRY).map((c) => c.name)
            ),
            ServedSymbols.fixed(source.symbols)
          )
        )
      )
    })
  )
  const withHttp = Layer.provideMerge(http, withServices)
  return Layer.provideMerge(Layer.mergeAll(consumers(config.consumers ?? REGISTRY), pipe(config.deliverTwice === true ? { deliverTwice: true } : {})), withHttp)
}

// Tracing is built first, so its exporter sends the last spans after everything else has stopped.
const localRuntimeLayer = (config: LocalRuntimeConfig) =>
  producer(config).pipe(
    Layer.provide(localRuntimeBelowProducer(config)),
    Layer.provide(otlpTracing(config.tracing ?? TRACING_OFF).pipe(Layer.provide(OutboundHttp))),
    Layer.provide(Layer.succeed(Metric.MetricRegistry, new Map()))
  )

/** Starts the runtime in the caller's scope; it runs until that scope closes. */
export const runLocalRuntime = (
  config: LocalRuntimeConfig
): Effect.Effect<LocalRuntime["Service"], Layer.Error<ReturnType<typeof localRuntimeLayer>>, Scope.Scope> =>
  Layer.build(localRuntimeLayer(config)).pipe(Effect.map((context) => Context.get(context, LocalRuntime)))
