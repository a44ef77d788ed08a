/**
 * Recent anomalies, alerts and reconciliations on AWS: a DynamoDB table, partition `kind`
 * ("anomaly", "alert" or "reconciliation"),
 * sort `at` (the event's time, zero-padded, then its id: newest first by a descending query,
 * and a redelivered event writes the same item). Items expire (TTL `expiresAt`) after a month.
 * Two partitions suit the volume: a few alerts a minute at most, thanks to the alert policy.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb"
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb"
import { Clock, Effect, Layer, Schema } from "effect"
import { AlertSent, AnomalyDetected } from "@blockchaincore/core/events/DomainEvent"
import { StoreUnavailable } from "@blockchaincore/core/ports/StoreErrors"
import {
  encodeHistoryBody,
  EventHistory,
  HISTORY_RETENTION_MILLIS,
  historyKind,
  historyTime,
  type HistoryEvent,
  mismatchesOf,
  RECONCILIATIONS_SUMMED,
  reconciliationHealthOf
} from "@blockchaincore/core/ports/EventHistory"
import { attemptDynamo } from "./DynamoWrites.ts"

const HISTORY_TTL_SECONDS = HISTORY_RETENTION_MILLIS / 1000

const AnomalyJson = Schema.fromJsonString(AnomalyDetected)
const AlertJson = Schema.fromJsonString(AlertSent)
/** A reconciliation's item as `/health` reads it: its sort key and how many windows differed. */
const Reconciled = Schema.Struct({ at: Schema.String, mismatches: Schema.Int })

const sortKey = (event: HistoryEvent) => `${String(historyTime(event)).padStart(15, "0")}#${event.id}`

export const makeDynamoEventHistory = (client: DynamoDBClient, table: string): EventHistory["Service"] => {
  const doc = DynamoDBDocumentClient.from(client)
  const newest = <A>(kind: string, schema: Schema.Codec<A, string>, limit: number) =>
    attemptDynamo(`recent ${kind}s`, () =>
      doc.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: "kind = :kind",
          ExpressionAttributeValues: { ":kind": kind },
          ScanIndexForward: false,
          Limit: limit
        })
      )
    ).pipe(
      Effect.flatMap((out) =>
        Effect.forEach(out.Items ?? [], (item) => Schema.decodeUnknownEffect(Schema.Struct({ body: schema }))(item).pipe(Effect.map((i) => i.body))).pipe(
          Effect.mapError((e) => new StoreUnavailable({ message: `corrupt ${kind} in ${table}: ${e.message}` }))
        )
      )
    )
  return EventHistory.of({
    record: Effect.fn("DynamoEventHistory.record")(function* (event) {
      const now = yield* Clock.currentTimeMillis
      const item = { kind: historyKind(event), body: encodeHistoryBody(event), mismatches: mismatchesOf(event) }
      yield* attemptDynamo("record history", () =>
        doc.send(new PutCommand({ TableName: table, Item: { ...item, at: sortKey(event), expiresAt: Math.floor(now / 1000) + HISTORY_TTL_SECONDS } }))
      )
    }),
    anomalies: (limit) => newest("anomaly", AnomalyJson, limit),
    alerts: (limit) => newest("alert", AlertJson, limit),
    reconciliation: attemptDynamo("recent reconciliations", () =>
      doc.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: "kind = :kind",
          ExpressionAttributeValues: { ":kind": "reconciliation" },
          // Without the bodies: the sort key starts with the time it was compared.
          ProjectionExpression: "#at, mismatches",
          ExpressionAttributeNames: { "#at": "at" },
          ScanIndexForward: false,
          Limit: RECONCILIATIONS_SUMMED
        })
      )
    ).pipe(
      Effect.flatMap((out) => Schema.decodeUnknownEffect(Schema.Array(Reconciled))(out.Items ?? [])),
      Effect.mapError((e) => (e._tag === "StoreUnavailable" ? e : new StoreUnavailable({ message: `corrupt reconciliation in ${table}: ${e.message}` }))),
      Effect.map((rows) => reconciliationHealthOf(rows.map((r) => ({ checkedAt: Number(r.at.split("#")[0]), mismatches: r.mismatches }))))
    )
  })
}

export const layerDynamoEventHistory = (client: DynamoDBClient, table: string): Layer.Layer<EventHistory> =>
  Layer.succeed(EventHistory, makeDynamoEventHistory(client, table))
