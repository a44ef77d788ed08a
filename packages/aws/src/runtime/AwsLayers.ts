/**
 * The AWS layers of the ports, for the Lambda handlers: each built from the function's linked
 * resources when first provided (a missing link fails the cold start, naming it), over one SDK
 * client per service for the container's life. Retries: the SDK's own are off (maxAttempts 1)
 * where the adapter retries failed entries itself, so attempts do not multiply.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb"
import { EventBridgeClient } from "@aws-sdk/client-eventbridge"
import { S3Client } from "@aws-sdk/client-s3"
import { SNSClient } from "@aws-sdk/client-sns"
import { Layer } from "effect"
import { layerDynamoAlertConditions } from "../dynamodb/DynamoAlertConditions.ts"
import { layerDynamoCandleStore } from "../dynamodb/DynamoCandleStore.ts"
import { layerDynamoEngineStateStore } from "../dynamodb/DynamoEngineStateStore.ts"
import { layerDynamoEventHistory } from "../dynamodb/DynamoEventHistory.ts"
import { layerEventBridgeEventBus } from "../eventbridge/EventBridgeEventBus.ts"
import { layerS3TradeArchive } from "../s3/S3TradeArchive.ts"
import { layerS3TradeStaging } from "../s3/S3TradeStaging.ts"
import { layerSnsNotifier } from "../sns/SnsNotifier.ts"
import { linkedArn, linkedName } from "./LinkedResources.ts"

const once = <A>(make: () => A): (() => A) => {
  let value: A | undefined
  return () => (value ??= make())
}

const dynamo = once(() => new DynamoDBClient({}))
const eventBridge = once(() => new EventBridgeClient({ maxAttempts: 1 }))
const s3 = once(() => new S3Client({}))
const sns = once(() => new SNSClient({ maxAttempts: 1 }))

const RETRY = { maxAttempts: 6, baseDelayMillis: 100 }

export const candleStoreLayer = Layer.suspend(() => layerDynamoCandleStore({ client: dynamo(), candlesTable: linkedName("Candles") }))
export const engineStateStoreLayer = Layer.suspend(() => layerDynamoEngineStateStore({ client: dynamo(), stateTable: linkedName("EngineState") }))
export const eventHistoryLayer = Layer.suspend(() => layerDynamoEventHistory(dynamo(), linkedName("History")))
export const alertConditionsLayer = Layer.suspend(() => layerDynamoAlertConditions(dynamo(), linkedName("AlertConditions")))
export const eventBusLayer = Layer.suspend(() => layerEventBridgeEventBus({ client: eventBridge(), busName: linkedName("Market"), ...RETRY }))
export const tradeStagingLayer = Layer.suspend(() => layerS3TradeStaging({ client: s3(), bucket: linkedName("Archive") }))
/** Loads DuckDB when built: only the archival consumer builds it. */
export const tradeArchiveLayer = Layer.suspend(() => layerS3TradeArchive({ client: s3(), bucket: linkedName("Archive") }))
export const snsNotifierLayer = Layer.suspend(() => layerSnsNotifier({ client: sns(), topicArn: linkedArn("Alerts"), ...RETRY }))
