/**
 * The alert service's conditions on AWS: a DynamoDB table with one item per symbol and interval
 * ("BTCUSDT|1m"): the conditions of its rules (state and starting anomaly) as gzipped JSON, a
 * `version` written under a condition, and `expiresAt` (epoch seconds, the table's TTL attribute)
 * a week after the last write: a symbol and interval quiet that long have resolved and cooled down.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb"
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb"
import { Clock, Effect, Layer, Schema } from "effect"
import { AlertConditions, CONDITION_RETENTION_MILLIS, ConditionRecords, EMPTY_GROUP } from "@blockchaincore/core/ports/AlertConditions"
import { StoreUnavailable } from "@blockchaincore/core/ports/StoreErrors"
import { attemptDynamo } from "./DynamoWrites.ts"
import { putVersioned } from "./VersionedPut.ts"
import { gzippedJson } from "./GzippedJson.ts"

const CONDITION_TTL_SECONDS = CONDITION_RETENTION_MILLIS / 1000

const Body = gzippedJson(ConditionRecords)
const Item = Schema.Struct({ key: Schema.String, version: Schema.Int, body: Body })

export const makeDynamoAlertConditions = (client: DynamoDBClient, table: string): AlertConditions["Service"] => {
  const doc = DynamoDBDocumentClient.from(client)
  const encode = Schema.encodeSync(Body)
  return AlertConditions.of({
    load: (symbol, interval) =>
      attemptDynamo("load alert conditions", () =>
        doc.send(new GetCommand({ TableName: table, Key: { key: `${symbol}|${interval}` }, ConsistentRead: true }))
      ).pipe(
        Effect.flatMap((out) =>
          out.Item === undefined
            ? Effect.succeed(EMPTY_GROUP)
            : Schema.decodeUnknownEffect(Item)(out.Item).pipe(
                Effect.mapError((e) => new StoreUnavailable({ message: `corrupt alert conditions of ${symbol} ${interval} in ${table}: ${e.message}` })),
                Effect.map((item) => ({ version: item.version, conditions: new Map(item.body.map((c) => [c.rule, { state: c.state, anomaly: c.anomaly }])) }))
              )
        )
      ),
    save: Effect.fn("DynamoAlertConditions.save")(function* (symbol, interval, conditions, expectedVersion) {
      const key = `${symbol}|${interval}`
      const now = yield* Clock.currentTimeMillis
      const body = encode([...conditions].map(([rule, c]) => ({ rule, state: c.state, anomaly: c.anomaly })))
      yield* putVersioned(doc, { table, key: ["key", key], expectedVersion, attributes: { body, expiresAt: Math.floor(now / 1000) + CONDITION_TTL_SECONDS } })
    })
  })
}

export const layerDynamoAlertConditions = (client: DynamoDBClient, table: string): Layer.Layer<AlertConditions> =>
  Layer.succeed(AlertConditions, makeDynamoAlertConditions(client, table))
