/**
 * The whole pipeline in one process (`npm start`): the producer (against Binance, or against a
 * replay server started here), the in-process trades queue, the local pipe into the processor,
 * the candle store in the data directory, the in-process bus, and the HTTP API on 127.0.0.1.
 *
 * Stopping (the scope closing, e.g. Ctrl-C) goes in order: the producer stops and flushes its
 * batches to the queue, the pipe processes what is queued, the API closes. The engine's state is
 * saved with every batch, so a restart continues without losing or double counting a trade.
 */
import { mkdirSync } from "node:fs"
import { join } from "node:path"
import { Effect, FiberSet, Layer, Schedule, Schema, type Scope } from "effect"
import { defaultEnrichment, Enricher } from "@blockchaincore/services/enrichment/Enricher"
import { Notifier } from "@blockchaincore/core/ports/Notifier"
import { Alerter } from "@blockchaincore/services/alert/Alerter"
import { layerInMemoryAlertConditions } from "../store/InMemoryAlertConditions.ts"
import { AnomalyDetector } from "@blockchaincore/services/anomaly/AnomalyDetector"
import type { Consumer } from "@blockchaincore/services/consumers/Consumer"
import { Archiver } from "@blockchaincore/services/archival/Archiver"
import { alertConsumer, anomalyConsumer, archivalConsumer, historyConsumer, webhookConsumer } from "@blockchaincore/services/consumers/consumers"
import { EventHistory } from "@blockchaincore/core/ports/EventHistory"
import { layerInMemoryEventHistory } from "../store/InMemoryEventHistory.ts"
import { layerLocalTradeArchive } from "../archive/LocalTradeArchive.ts"
import { makeWebhookNotifier } from "@blockchaincore/services/webhook/WebhookNotifier"
import { layerLogNotifier } from "../notify/LogNotifier.ts"
import { CandleStore } from "@blockchaincore/core/ports/CandleStore"
import { DEFAULT_BATCHER } from "@blockchaincore/producer/batching/Batcher"
import { DEFAULT_REST } from "@blockchaincore/producer/gaps/BinanceRest"
import type { MetricsSnapshot } from "@blockchaincore/producer/metrics/ProducerMetrics"
import { type ProducerStopped, runProducer } from "@blockchaincore/producer/Producer"
import { Journal } from "@blockchaincore/producer/publish/Journal"
import { loadRecording } from "@blockchaincore/producer/replay/Recording"
import { ReplayServer } from "@blockchaincore/producer/replay/ReplayServer"
import { DEFAULT_SUPERVISOR } from "@blockchaincore/producer/stream/ConnectionSupervisor"
import { DEFAULT_CONNECTION } from "@blockchaincore/producer/stream/WireConnection"
import { DEFAULT_PLAN } from "@blockchaincore/producer/stream/StreamPlan"
import { DEFAULT_ENGINE, Processor } from "@blockchaincore/services/processor/Processor"
import { type BusOptions, InProcessEventBus } from "../bus/InProcessEventBus.ts"
import { statusLine } from "@blockchaincore/producer/metrics/statusLine"
import { startHttpApi } from "../http/HttpApi.ts"
import { liveEvents } from "../http/LiveEvents.ts"
import { DASHBOARD_DIR } from "../http/StaticFiles.ts"
import { pipelineHealth } from "./Health.ts"
import { resumePoints } from "@blockchaincore/producer/resume/ResumePoints"
import { PipelineHealth } from "@blockchaincore/core/health/PipelineHealth"
import { prometheusText } from "../http/PrometheusText.ts"
import { InProcessTradeQueue } from "../queue/InProcessTradeQueue.ts"
import { layerSqliteCandleStore } from "../store/SqliteCandleStore.ts"
import { loadInstruments } from "./Instruments.ts"
import { drainLocalPipe, type PipeStats, runLocalPipe } from "./LocalPipe.ts"

export interface LocalRuntimeConfig {
  readonly symbols: ReadonlyArray<string> | undefined
  readonly wsUrl: string
  readonly restUrl: string
  readonly replay: { readonly file: string; readonly speed: number | undefined } | undefined
  readonly dataDir: string
  readonly port: number
  readonly deliverTwice?: boolean
  readonly statusEveryMillis?: number
  /** A Slack- or Discord-style webhook for the webhook consumer; without it, that consumer is off. */
  readonly webhookUrl?: string
  readonly bus?: BusOptions
  /** Where the built dashboard is; packages/web/dist by default. */
  readonly dashboardDir?: string
}

export interface LocalRuntime {
  readonly port: number
  readonly symbols: ReadonlyArray<string>
  readonly queue: InProcessTradeQueue
  readonly bus: InProcessEventBus
  readonly pipe: PipeStats
  readonly metrics: () => MetricsSnapshot
  /** Fails when the producer cannot go on (see ProducerHandle.stopped); never succeeds. */
  readonly stopped: Effect.Effect<never, ProducerStopped>
}

const DEFAULT_SYMBOLS = ["BTCUSDT", "ETHUSDT"]

export const runLocalRuntime = (config: LocalRuntimeConfig): Effect.Effect<LocalRuntime, unknown, Scope.Scope> =>
  Effect.gen(function*() {
    let wsUrl = config.wsUrl
    let restUrl = config.restUrl
    let symbols = config.symbols
    let replayProgress = () => ""
    if (config.replay !== undefined) {
      const frames = loadRecording(config.replay.file)
      const speed = config.replay.speed
      const server = new ReplayServer(frames, speed === undefined ? {} : { speed })
      const port = yield* Effect.acquireRelease(Effect.promise(() => server.listen()), () => Effect.promise(() => server.close()))
      wsUrl = `ws://127.0.0.1:${port}`
      restUrl = `http://127.0.0.1:${port}`
      symbols ??= [...new Set(frames.map((f) => f.trade.symbol))]
      replayProgress = () => ` | replay ${Math.min(100, Math.floor((server.stats.framesSent / frames.length) * 100))}% of ${frames.length} frames`
    }
    const chosen = symbols ?? DEFAULT_SYMBOLS

    yield* Effect.sync(() => mkdirSync(config.dataDir, { recursive: true }))
    const queue = yield* Effect.acquireRelease(
      Effect.sync(() => new InProcessTradeQueue({ path: join(config.dataDir, "queue.sqlite") })),
      (q) => Effect.sync(() => q.close())
    )
    const bus = new InProcessEventBus(config.bus ?? {})
    const pipe: PipeStats = { batches: 0, failures: 0, redeliveries: 0 }
    const services = Layer.mergeAll(queue.layer(), bus.layer(), Journal.layer(join(config.dataDir, "journal")), layerSqliteCandleStore(join(config.dataDir, "candles.sqlite")), layerLocalTradeArchive(join(config.dataDir, "archive")))
    const { instruments } = yield* loadInstruments(restUrl, chosen, config.dataDir)
    const serviceLayers = Layer.mergeAll(Processor.layer(DEFAULT_ENGINE), Enricher.layer(defaultEnrichment(instruments)), AnomalyDetector.layer(), Alerter.layer().pipe(Layer.provide(Layer.mergeAll(layerLogNotifier, layerInMemoryAlertConditions))), Archiver.layer, layerInMemoryEventHistory)
    const context = yield* Layer.build(Layer.provideMerge(serviceLayers, services))

    return yield* Effect.gen(function*() {
      const store = yield* CandleStore
      // The producer starts last (after the API and the consumers); until then it has no metrics.
      let started: (() => MetricsSnapshot) | undefined
      const producerMetrics = (): MetricsSnapshot => {
        if (started === undefined) throw new Error("the producer has not started")
        return started()
      }
      // Registered first, so it runs last: the summary after everything queued was processed.
      yield* Effect.addFinalizer(() =>
        Effect.try(() => `stopped: ${statusLine(producerMetrics())} | processed ${pipe.batches} batches`).pipe(
          Effect.flatMap((line) => Effect.logInfo(line)),
          Effect.ignore
        )
      )
      const history = yield* EventHistory
      const health = () => pipelineHealth(chosen, started?.(), queue.depth, pipe.batches, Date.now())
      const live = liveEvents(bus, health)
      const api = yield* Effect.acquireRelease(
        Effect.promise(() =>
          startHttpApi(
            {
              store,
              symbols: () => chosen,
              history,
              health: () => Effect.sync(() => Schema.encodeSync(PipelineHealth)(health())),
              metrics: () => prometheusText(producerMetrics(), pipe, queue.depth)
            },
            config.port,
            { live, dashboard: config.dashboardDir ?? DASHBOARD_DIR }
          )
        ),
        ({ server }) =>
          Effect.promise(() =>
            new Promise<void>((r) => {
              live.close()
              server.close(() => r())
            })
          )
      )
      const deliveries = yield* FiberSet.make()
      const run = yield* FiberSet.runtime(deliveries)<AnomalyDetector | Alerter | Archiver | EventHistory>()
      // Each delivery runs on its own fibre; a failed one is retried, then logged: one consumer's
      // trouble never stops the bus or the others.
      const subscribe = (consumer: Consumer<AnomalyDetector | Alerter | Archiver | EventHistory>) =>
        bus.subscribe(consumer.pattern, (event) => {
          run(
            consumer.handle(event).pipe(
              Effect.retry({ times: 3, schedule: Schedule.exponential(100) }),
              Effect.catch((e) => Effect.logError(`consumer ${consumer.name}: ${e.message}`))
            )
          )
        })
      subscribe(anomalyConsumer)
      subscribe(alertConsumer)
      subscribe(archivalConsumer)
      subscribe(historyConsumer)
      if (config.webhookUrl !== undefined) {
        const webhook = makeWebhookNotifier(config.webhookUrl)
        bus.subscribe(webhookConsumer.pattern, (event) => {
          run(webhookConsumer.handle(event).pipe(Effect.provideService(Notifier, webhook), Effect.catch((e) => Effect.logError(`consumer webhook: ${e.message}`))))
        })
      }
      yield* Effect.addFinalizer(() => drainLocalPipe(queue, pipe).pipe(Effect.catch((e) => Effect.logError(`final drain: ${String(e)}`))))
      yield* Effect.forkScoped(runLocalPipe(queue, pipe, config.deliverTwice === true ? { deliverTwice: true } : {}))
      // Resume where the processor stands: a trade id past it is a gap the producer fills from REST.
      const resumeFrom = yield* resumePoints(store, chosen)
      const producer = yield* runProducer({
        resumeFrom,
        symbols: chosen,
        wsUrl,
        client: { ...DEFAULT_CONNECTION, ...DEFAULT_SUPERVISOR },
        plan: DEFAULT_PLAN,
        batcher: DEFAULT_BATCHER,
        rest: { ...DEFAULT_REST, baseUrl: restUrl }
      })
      started = producer.metrics
      yield* Effect.forkScoped(
        Effect.suspend(() => Effect.logInfo(`${statusLine(producer.metrics())} | processed ${pipe.batches} batches${replayProgress()}`)).pipe(
          Effect.repeat(Schedule.spaced(config.statusEveryMillis ?? 60_000))
        )
      )
      return { port: api.port, symbols: chosen, queue, bus, pipe, metrics: producer.metrics, stopped: producer.stopped }
    }).pipe(Effect.provideContext(context))
  })
