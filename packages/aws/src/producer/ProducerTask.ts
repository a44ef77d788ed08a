/**
 * The producer as it runs on Fargate (and under `sst dev` on the developer's machine): Binance
 * trades to the SQS FIFO trades queue, gap announcements to the market bus, resuming each symbol
 * after the last trade the processor stored in the state table (a restart's missed trades are a
 * gap, filled from REST). Batches wait in a journal on the task's disk while SQS is away. A
 * heartbeat file tells the container's health check the program is alive and connected.
 */
import { writeFileSync } from "node:fs"
import { DynamoDBClient } from "@aws-sdk/client-dynamodb"
import { EventBridgeClient } from "@aws-sdk/client-eventbridge"
import { SQSClient } from "@aws-sdk/client-sqs"
import { Clock, Config, ConfigProvider, Effect, Layer, Result, Schedule, Schema } from "effect"
import { sqsBatcher } from "@blockchaincore/producer/batching/Batcher"
import type { MetricsSnapshot } from "@blockchaincore/producer/metrics/ProducerMetrics"
import { statusLine } from "@blockchaincore/producer/metrics/statusLine"
import { produce } from "@blockchaincore/pipeline/ProduceStage"
import { OutboundHttp } from "@blockchaincore/adapters/http/OutboundHttp"
import { DEFAULT_REST, ExchangeRest } from "@blockchaincore/binance/rest/BinanceRest"
import { xraySigning } from "../runtime/XRayOtlp.ts"
import { otlpTracing } from "@blockchaincore/observability/OtlpTracing"
import { readTracingSettings } from "@blockchaincore/observability/TracingSettings"
import { Journal } from "@blockchaincore/producer/publish/Journal"
import { layerDynamoEngineStateStore } from "../dynamodb/DynamoEngineStateStore.ts"
import { EngineStateStore } from "@blockchaincore/core/ports/EngineStateStore"
import { makeDynamoCandleStore } from "../dynamodb/DynamoCandleStore.ts"
import { type AnomalyConfig, DEFAULT_ANOMALY_CONFIG } from "@blockchaincore/core/anomaly/AnomalyConfig"
import { ANOMALY_CONFIG_ENV, anomalyConfigOf } from "@blockchaincore/core/anomaly/AnomalySettings"
import { layerEventBridgeEventBus } from "../eventbridge/EventBridgeEventBus.ts"
import { oneLine } from "@blockchaincore/core/errors/errorMessage"
import { layerSqsTradeQueue } from "../sqs/SqsTradeQueue.ts"
import { encodeHeartbeat, HEARTBEAT_EVERY_MILLIS } from "./Heartbeat.ts"
import { ProducerEnvironment, type ProducerSettings, producerSettings } from "./ProducerEnvironment.ts"
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"

export class ProducerConfigError extends Schema.TaggedError<ProducerConfigError>()("ProducerConfigError", {
  message: Schema.String
}) {}

const STATUS_EVERY_MILLIS = 60_000

/** The task's settings, read through Effect's `Config` as every entry point reads its own: one schema, the environment. */
export const settingsFromEnvironment = (provider: ConfigProvider.ConfigProvider = ConfigProvider.fromEnv()) =>
  Config.schema(ProducerEnvironment)
    .parse(provider)
    .pipe(
      Effect.map(producerSettings),
      Effect.mapError((e) => new ProducerConfigError({ message: `the producer's environment: ${oneLine(e)}` }))
    )

/** The stage's anomaly settings (how much history the warm start fills), the defaults without. */
const anomalySettingsOf = (settings: ProducerSettings): Effect.Effect<AnomalyConfig, ProducerConfigError> =>
  settings.anomalyConfigText === undefined
    ? Effect.succeed(DEFAULT_ANOMALY_CONFIG)
    : Result.match(anomalyConfigOf(settings.anomalyConfigText, ANOMALY_CONFIG_ENV), {
        onSuccess: Effect.succeed,
        onFailure: (problem) => Effect.fail(new ProducerConfigError({ message: `the producer's environment: ${problem}` }))
      })

/** Rewrites the heartbeat file; "connected" is remembered between beats. */
const heartbeat = (file: string, metrics: () => MetricsSnapshot, startedAt: number) => {
  let connectedAt = 0
  return Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis
    if (metrics().counters.connectionsUp.size > 0) connectedAt = now
    yield* Effect.try({ try: () => writeFileSync(file, encodeHeartbeat({ at: now, connectedAt, startedAt })), catch: (e) => e }).pipe(
      Effect.catch((e) => Effect.logWarning(`heartbeat ${file} not written: ${errorMessage(e)}`))
    )
  })
}

export const runProducerTask = (settings: ProducerSettings) =>
  Effect.gen(function* () {
    // Decoded before anything starts: a bad setting stops the task with its reason.
    const anomalyConfig = yield* anomalySettingsOf(settings)
    const retry = { maxAttempts: 6, baseDelayMillis: 200 }
    // The stage's OTLP settings in the task's environment, as the functions read theirs.
    const tracing = yield* readTracingSettings(ConfigProvider.fromEnv(), { serviceName: "blockchaincore-producer" })
    const layers = Layer.mergeAll(
      otlpTracing(tracing).pipe(Layer.provide(xraySigning(OutboundHttp))),
      layerSqsTradeQueue({ client: new SQSClient({}), queueUrl: settings.queueUrl, ...retry }),
      layerEventBridgeEventBus({ client: new EventBridgeClient({ maxAttempts: 1 }), busName: settings.busName, ...retry }),
      Journal.layer(settings.journalDir),
      OutboundHttp,
      ExchangeRest.layer({ ...DEFAULT_REST, baseUrl: settings.restUrl }).pipe(Layer.provide(OutboundHttp)),
      layerDynamoEngineStateStore({ client: new DynamoDBClient({}), stateTable: settings.stateTable })
    )
    const startedAt = yield* Clock.currentTimeMillis
    return yield* Effect.gen(function* () {
      // Live, the anomaly rules' history filled from Binance's klines, as the local runtime fills it.
      const candles =
        settings.candlesTable === undefined ? undefined : makeDynamoCandleStore({ client: new DynamoDBClient({}), candlesTable: settings.candlesTable })
      const handle = yield* produce({
        symbols: settings.symbols,
        wsUrl: settings.wsUrl,
        batcher: sqsBatcher(settings.symbols.length),
        states: yield* EngineStateStore,
        ...(candles === undefined ? {} : { warmStart: { config: anomalyConfig, candles } })
      })
      yield* Effect.logInfo(`producing ${settings.symbols.join(",")} from ${settings.wsUrl} to ${settings.queueUrl}`)
      yield* Effect.forkScoped(heartbeat(settings.healthFile, handle.metrics, startedAt).pipe(Effect.repeat(Schedule.spaced(HEARTBEAT_EVERY_MILLIS))))
      const status = Effect.suspend(() => Effect.logInfo(statusLine(handle.metrics()))).pipe(Effect.delay(STATUS_EVERY_MILLIS), Effect.forever)
      // A producer that cannot go on ends the task with the reason (and ECS starts another).
      return yield* Effect.raceFirst(status, handle.stopped)
    }).pipe(Effect.scoped, Effect.provide(layers))
  })
