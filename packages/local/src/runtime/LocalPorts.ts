/**
 * The local deployment's ports, each built once, in the data directory or in memory: the durable
 * trades queue, the in-process bus, the producer's journal, the SQLite candle store, the Parquet
 * archive, the event history and alert conditions (SQLite), the terminal as notifier and the webhook
 * (off without a URL). The exchange's klines come with the market source (LocalRuntime.ts). `portLayersOf` hands the built ports to the consumers' registry entries.
 */
import { join } from "node:path"
import { Context, Effect, Layer, Schema } from "effect"
import type { AnomalyConfig } from "@blockchaincore/core/anomaly/AnomalyConfig"
import { AnomalySettings } from "@blockchaincore/core/anomaly/AnomalySettings"
import { AlertConditions } from "@blockchaincore/core/ports/AlertConditions"
import { CandleStore } from "@blockchaincore/core/ports/CandleStore"
import { CandleRepairs, repairsOf } from "@blockchaincore/core/ports/CandleRepairs"
import { EventBus } from "@blockchaincore/core/ports/EventBus"
import { EventHistory } from "@blockchaincore/core/ports/EventHistory"
import { ExchangeKlines } from "@blockchaincore/core/ports/ExchangeKlines"
import { Notifier } from "@blockchaincore/core/ports/Notifier"
import { TradeArchive } from "@blockchaincore/core/ports/TradeArchive"
import { Webhook } from "@blockchaincore/core/ports/Webhook"
import { Journal } from "@blockchaincore/producer/publish/Journal"
import type { PortLayers } from "@blockchaincore/services/consumers/ConsumerDeclaration"
import { makeWebhookNotifier, webhookOff } from "@blockchaincore/adapters/webhook/WebhookNotifier"
import { layerDuckdbTradeArchive } from "../duckdb/DuckdbTradeArchive.ts"
import { type BusOptions, InProcessEventBus } from "../memory/InProcessEventBus.ts"
import { layerLogNotifier } from "../log/LogNotifier.ts"
import { LocalTradeQueue } from "../sqlite/SqliteTradeQueue.ts"
import { layerSqliteAlertConditions } from "../sqlite/SqliteAlertConditions.ts"
import { layerSqliteEventHistory } from "../sqlite/SqliteEventHistory.ts"
import { layerSqliteCandleStore } from "../sqlite/SqliteCandleStore.ts"
import { layerSqliteEngineStateStore } from "../sqlite/SqliteEngineStateStore.ts"
import { writableDirectory } from "../paths/PathChecks.ts"

interface LocalPortsConfig {
  readonly dataDir: string
  readonly bus?: BusOptions
  /** A Slack- or Discord-style webhook; without it, the webhook consumer only logs. */
  readonly webhookUrl?: string
  /** The anomaly rules' settings (`--anomaly-config`); the defaults without. */
  readonly anomalyConfig?: AnomalyConfig
}

export const localPorts = (config: LocalPortsConfig) =>
  Layer.mergeAll(
    LocalTradeQueue.layer(join(config.dataDir, "queue.sqlite")),
    InProcessEventBus.layer(config.bus ?? {}),
    Journal.layer(join(config.dataDir, "journal")),
    layerSqliteCandleStore(join(config.dataDir, "candles.sqlite")),
    layerSqliteEngineStateStore(join(config.dataDir, "candles.sqlite")),
    layerDuckdbTradeArchive(join(config.dataDir, "archive")),
    // Beside the candles, in a file of their own: a backfill writing candles never waits for them.
    layerSqliteEventHistory(join(config.dataDir, "history.sqlite")),
    layerSqliteAlertConditions(join(config.dataDir, "history.sqlite")),
    layerLogNotifier,
    config.anomalyConfig === undefined ? AnomalySettings.defaults : AnomalySettings.layer(config.anomalyConfig),
    config.webhookUrl === undefined ? Layer.succeed(Webhook, webhookOff("no --webhook-url")) : Layer.effect(Webhook, makeWebhookNotifier(config.webhookUrl))
  ).pipe(Layer.provide(Layer.effectDiscard(dataDirectory(config.dataDir))))

/** The data directory, made if it is not there: one that cannot be (a file, under a file, /proc, a read-only place) is said by name. */
const dataDirectory = (dir: string) => writableDirectory("--data-dir", dir).pipe(Effect.mapError((e) => new DataDirUnusable({ message: e.message })))

export class DataDirUnusable extends Schema.TaggedError<DataDirUnusable>()("DataDirUnusable", { message: Schema.String }) {}

export type LocalPortServices = AnomalySettings | AlertConditions | CandleStore | EventBus | EventHistory | ExchangeKlines | Notifier | TradeArchive | Webhook

/** The ports already built, as the layers a consumer's entry takes: every consumer shares them. */
export const portLayersOf = (context: Context.Context<LocalPortServices>): PortLayers => ({
  AnomalySettings: Layer.succeed(AnomalySettings, Context.get(context, AnomalySettings)),
  AlertConditions: Layer.succeed(AlertConditions, Context.get(context, AlertConditions)),
  CandleStore: Layer.succeed(CandleStore, Context.get(context, CandleStore)),
  CandleRepairs: Layer.succeed(CandleRepairs, repairsOf(Context.get(context, CandleStore))),
  EventBus: Layer.succeed(EventBus, Context.get(context, EventBus)),
  EventHistory: Layer.succeed(EventHistory, Context.get(context, EventHistory)),
  ExchangeKlines: Layer.succeed(ExchangeKlines, Context.get(context, ExchangeKlines)),
  Notifier: Layer.succeed(Notifier, Context.get(context, Notifier)),
  TradeArchive: Layer.succeed(TradeArchive, Context.get(context, TradeArchive)),
  Webhook: Layer.succeed(Webhook, Context.get(context, Webhook))
})
