/// <reference path="../.sst/platform/config.d.ts" />
/**
 * What each function and the producer may do: exactly the calls its code makes, on exactly the
 * resources it makes them on (links carry names only: stacks/links.ts). The offline test
 * (stacks/test/infrastructure.test.ts) asserts these role by role. Each grant names the adapter
 * whose calls it allows.
 */
import type { Port } from "@blockchaincore/services/consumers/ConsumerDeclaration"
import type { Storage } from "./storage.ts"
import { SYMBOLS_INDEX, WITH_GAPS_INDEX } from "@blockchaincore/aws/dynamodb/Tables"

export interface Grant {
  readonly actions: Array<string>
  readonly resources: Array<$util.Input<string>>
}

const on = (actions: Array<string>, ...resources: Array<$util.Input<string>>): Grant => ({ actions, resources })

/** The resources grants refer to, from the stacks that make them. */
export interface Granted {
  readonly storage: Storage
  readonly bus: sst.aws.Bus
  readonly alerts: sst.aws.SnsTopic
  readonly topicsKey: aws.kms.Key
}

export const grants = ({ storage, bus, alerts, topicsKey }: Granted) => ({
  /** DynamoEngineStateStore.loadState */
  readState: on(["dynamodb:GetItem"], storage.engineState.arn),
  /** DynamoEngineStateStore.symbolsWithGaps: the state table's index of states holding a gap */
  listGaps: on(["dynamodb:Query"], $interpolate`${storage.engineState.arn}/index/${WITH_GAPS_INDEX}`),
  /** DynamoEngineStateStore.saveState: a conditional put */
  writeState: on(["dynamodb:PutItem"], storage.engineState.arn),
  /** DynamoCandleStore.symbols: the candles table's index of symbols */
  listSymbols: on(["dynamodb:Query"], $interpolate`${storage.candles.arn}/index/${SYMBOLS_INDEX}`),
  /** DynamoCandleStore.putCandles */
  writeCandles: on(["dynamodb:BatchWriteItem"], storage.candles.arn),
  /** DynamoCandleStore.candles */
  readCandles: on(["dynamodb:Query"], storage.candles.arn),
  /** DynamoAlertConditions */
  alertConditions: on(["dynamodb:GetItem", "dynamodb:PutItem"], storage.alertConditions.arn),
  /** DynamoEventHistory.record */
  recordHistory: on(["dynamodb:PutItem"], storage.history.arn),
  /** DynamoEventHistory.anomalies and alerts */
  readHistory: on(["dynamodb:Query"], storage.history.arn),
  /** S3TradeStaging */
  stageTrades: on(["s3:PutObject"], $interpolate`${storage.archive.arn}/staging/*`),
  /** S3TradeArchive: list and read an hour's staging, read the hour's Parquet to merge into, write it */
  compactArchive: [
    on(["s3:ListBucket"], storage.archive.arn),
    on(["s3:GetObject"], $interpolate`${storage.archive.arn}/staging/*`),
    on(["s3:GetObject", "s3:PutObject"], $interpolate`${storage.archive.arn}/archive/*`)
  ],
  /** S3BackfillLedger: the backfill's record of finished files (listing lets S3 answer a missing one with 404, not 403) */
  backfillLedger: [on(["s3:GetObject", "s3:PutObject"], $interpolate`${storage.archive.arn}/backfill/*`), on(["s3:ListBucket"], storage.archive.arn)],
  /** EventBridgeEventBus */
  publishEvents: on(["events:PutEvents"], bus.arn),
  /** SnsNotifier, on a topic encrypted with the topics' key */
  notify: [on(["sns:Publish"], alerts.arn), on(["kms:GenerateDataKey*", "kms:Decrypt"], topicsKey.arn)]
})

export type Grants = ReturnType<typeof grants>

/** What a bus consumer may do for each port it needs: the consumer side of each adapter. */
export const consumerGrants = (g: Grants): Record<Port, ReadonlyArray<Grant>> => ({
  CandleStore: [g.readCandles],
  CandleRepairs: [g.writeCandles],
  AlertConditions: [g.alertConditions],
  EventHistory: [g.recordHistory],
  TradeArchive: g.compactArchive,
  Notifier: g.notify,
  EventBus: [g.publishEvents],
  Webhook: [],
  // Binance's public REST API: no AWS action.
  ExchangeKlines: [],
  // Settings, not a service: they arrive in the function's environment.
  AnomalySettings: []
})
