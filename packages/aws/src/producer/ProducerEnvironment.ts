/**
 * What the producer's Fargate task is configured with (stacks/producer.ts sets it, and `sst dev`
 * passes the same to the local process), decoded with a schema so a wrong value stops the task
 * at start naming the variable, instead of surfacing as a failed send minutes later.
 */
import { Schema } from "effect"
import { BINANCE_REST, BINANCE_WS } from "@blockchaincore/binance/Endpoints"
import { HttpUrl, WsUrl } from "@blockchaincore/core/net/Urls"
import { SymbolList } from "@blockchaincore/core/trade/SymbolList"

const FifoQueueUrl = Schema.String.check(Schema.isPattern(/^https?:\/\/[^\s]+\.fifo$/, { message: "Expected an SQS FIFO queue URL (ending in .fifo)" }))
const TableName = Schema.String.check(Schema.isPattern(/^[A-Za-z0-9_.-]{3,255}$/, { message: "Expected a DynamoDB table name" }))
const BusName = Schema.String.check(Schema.isPattern(/^[A-Za-z0-9_.\-/]{1,256}$/, { message: "Expected an EventBridge bus name" }))

export const ProducerEnvironment = Schema.Struct({
  QUEUE_URL: FifoQueueUrl,
  STATE_TABLE: TableName,
  BUS_NAME: BusName,
  SYMBOLS: SymbolList,
  WS_URL: Schema.optionalKey(WsUrl),
  REST_URL: Schema.optionalKey(HttpUrl),
  JOURNAL_DIR: Schema.optionalKey(Schema.NonEmptyString),
  HEALTH_FILE: Schema.optionalKey(Schema.NonEmptyString),
  /** The candles table the warm start fills from Binance's klines; without it, no warm start. */
  CANDLES_TABLE: Schema.optionalKey(TableName),
  /** The stage's anomaly settings (JSON, as the anomaly function gets them): how much history the warm start fills. */
  ANOMALY_CONFIG: Schema.optionalKey(Schema.String)
})

export interface ProducerSettings {
  readonly queueUrl: string
  readonly stateTable: string
  readonly busName: string
  readonly symbols: ReadonlyArray<string>
  readonly wsUrl: string
  readonly restUrl: string
  readonly journalDir: string
  readonly healthFile: string
  readonly candlesTable: string | undefined
  /** ANOMALY_CONFIG's text, decoded by the task (`settingsFromEnvironment`). */
  readonly anomalyConfigText: string | undefined
}

/** Where the container's health check looks (packages/producer/Dockerfile). */
export const DEFAULT_HEALTH_FILE = "/tmp/producer-health.json"

export const producerSettings = (env: Schema.Schema.Type<typeof ProducerEnvironment>): ProducerSettings => ({
  queueUrl: env.QUEUE_URL,
  stateTable: env.STATE_TABLE,
  busName: env.BUS_NAME,
  symbols: env.SYMBOLS,
  wsUrl: env.WS_URL ?? BINANCE_WS,
  restUrl: env.REST_URL ?? BINANCE_REST,
  journalDir: env.JOURNAL_DIR ?? "/tmp/journal",
  healthFile: env.HEALTH_FILE ?? DEFAULT_HEALTH_FILE,
  candlesTable: env.CANDLES_TABLE,
  anomalyConfigText: env.ANOMALY_CONFIG
})
