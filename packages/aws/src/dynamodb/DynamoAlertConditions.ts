/**
 * The alert service's conditions on AWS: a DynamoDB table keyed by condition ("BTCUSDT|1m|
 * price_movement"), each item its state and starting anomaly as JSON, a `version` written under
 * a condition, and `expiresAt` (epoch seconds, the table's TTL attribute) a week after the last
 * write: a condition quiet that long has resolved and its cooldown passed.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from "@aws-sdk/client-dynamodb"
import { BatchGetCommand, DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb"
import { Clock, Effect, Layer, Schema } from "effect"
import { AnomalyDetected } from "@blockchaincore/core/events/DomainEvent"
import { AlertConditions, type StoredCondition } from "@blockchaincore/core/ports/AlertConditions"
import { StoreUnavailable, VersionConflict } from "@blockchaincore/core/ports/CandleStore"
import { attemptDynamo } from "./DynamoWrites.ts"

export const CONDITION_TTL_SECONDS = 7 * 24 * 3600

const ConditionState = Schema.Struct({ firing: Schema.Boolean, lastFiredOpenTime: Schema.Number, lastAlertAt: Schema.Number, notified: Schema.Boolean })
const ConditionBody = Schema.fromJsonString(Schema.Struct({ state: ConditionState, anomaly: AnomalyDetected }))
const ConditionItem = Schema.Struct({ key: Schema.String, version: Schema.Int, body: ConditionBody })

export const makeDynamoAlertConditions = (client: DynamoDBClient, table: string): AlertConditions["Service"] => {
  const doc = DynamoDBDocumentClient.from(client)
  const encode = Schema.encodeSync(ConditionBody)
  return AlertConditions.of({
    load: (keys) =>
      keys.length === 0
        ? Effect.succeed(new Map())
        : attemptDynamo("load alert conditions", () => doc.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: keys.map((key) => ({ key })), ConsistentRead: true } } }))).pipe(
          Effect.flatMap((out) =>
            (out.UnprocessedKeys?.[table]?.Keys?.length ?? 0) > 0
              ? Effect.fail(new StoreUnavailable({ message: `load alert conditions: DynamoDB left keys unprocessed (throttled)` }))
              : Effect.forEach(out.Responses?.[table] ?? [], (item) => Schema.decodeUnknownEffect(ConditionItem)(item)).pipe(
                Effect.mapError((e) => new StoreUnavailable({ message: `corrupt alert condition in ${table}: ${e.message}` })),
                Effect.map((items) => new Map<string, StoredCondition>(items.map((i) => [i.key, { state: i.body.state, anomaly: i.body.anomaly, version: i.version }])))
              )
          )
        ),
    save: (key, state, anomaly, expectedVersion) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        yield* Effect.tryPromise({
          try: () =>
            doc.send(
              new PutCommand({
                TableName: table,
                Item: { key, version: expectedVersion + 1, body: encode({ state, anomaly }), expiresAt: Math.floor(now / 1000) + CONDITION_TTL_SECONDS },
                ...(expectedVersion === 0
                  ? { ConditionExpression: "attribute_not_exists(#key)", ExpressionAttributeNames: { "#key": "key" } }
                  : { ConditionExpression: "#version = :expected", ExpressionAttributeNames: { "#version": "version" }, ExpressionAttributeValues: { ":expected": expectedVersion } })
              })
            ),
          catch: (e) =>
            e instanceof ConditionalCheckFailedException
              ? new VersionConflict({ symbol: key, expected: expectedVersion })
              : new StoreUnavailable({ message: `save alert condition: ${e instanceof Error ? e.message : String(e)}` })
        })
      })
  })
}

export const layerDynamoAlertConditions = (client: DynamoDBClient, table: string): Layer.Layer<AlertConditions> =>
  Layer.succeed(AlertConditions, makeDynamoAlertConditions(client, table))
