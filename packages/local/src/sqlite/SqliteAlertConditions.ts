/**
 * The local runtime's alert conditions, in SQLite beside the candle store: one row per symbol and
 * interval, written only at the version it was read at, as on AWS; kept as long as on AWS
 * (`CONDITION_RETENTION_MILLIS` after its last write). A restart, even after a SIGKILL, remembers
 * which conditions are firing, so none alerts a second time.
 */
import { Clock, Effect, Layer, Schema } from "effect"
import { AlertConditions, CONDITION_RETENTION_MILLIS, ConditionRecords, EMPTY_GROUP } from "@blockchaincore/core/ports/AlertConditions"
import { type StoreUnavailable, VersionConflict } from "@blockchaincore/core/ports/StoreErrors"
import { attempt, inTransaction, openDatabase } from "./LocalDatabase.ts"

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS alert_conditions (
    key TEXT PRIMARY KEY, version INTEGER NOT NULL, written_at INTEGER NOT NULL, body TEXT NOT NULL
  );
`

const RecordsJson = Schema.fromJsonString(ConditionRecords)

export const layerSqliteAlertConditions = (path: string): Layer.Layer<AlertConditions, StoreUnavailable> =>
  Layer.effect(
    AlertConditions,
    Effect.gen(function* () {
      const db = yield* openDatabase(path, SCHEMA)
      const load = db.prepare("SELECT version, body FROM alert_conditions WHERE key = ? AND written_at >= ?")
      const insert = db.prepare("INSERT INTO alert_conditions (key, version, written_at, body) VALUES (?, 1, ?, ?) ON CONFLICT DO NOTHING")
      const update = db.prepare("UPDATE alert_conditions SET version = version + 1, written_at = ?, body = ? WHERE key = ? AND version = ?")
      const expired = db.prepare("DELETE FROM alert_conditions WHERE key = ? AND written_at < ?")
      const expire = db.prepare("DELETE FROM alert_conditions WHERE written_at < ?")
      return AlertConditions.of({
        load: (symbol, interval) =>
          Effect.flatMap(Clock.currentTimeMillis, (now) =>
            attempt(`load alert conditions of ${symbol} ${interval}`, () => {
              const row = load.get(`${symbol}|${interval}`, now - CONDITION_RETENTION_MILLIS)
              if (row === undefined) return EMPTY_GROUP
              const records = Schema.decodeUnknownSync(RecordsJson)(String(row["body"]))
              return { version: Number(row["version"]), conditions: new Map(records.map((c) => [c.rule, { state: c.state, anomaly: c.anomaly }])) }
            })
          ),
        save: (symbol, interval, conditions, expectedVersion) =>
          Effect.flatMap(Clock.currentTimeMillis, (now) =>
            attempt(`save alert conditions of ${symbol} ${interval}`, () => {
              const key = `${symbol}|${interval}`
              const body = Schema.encodeSync(RecordsJson)([...conditions].map(([rule, c]) => ({ rule, state: c.state, anomaly: c.anomaly })))
              return inTransaction(db, () => {
                // An expired row is as good as none, as DynamoDB's TTL makes it: version 0 again.
                expired.run(key, now - CONDITION_RETENTION_MILLIS)
                const changes = expectedVersion === 0 ? insert.run(key, now, body).changes : update.run(now, body, key, expectedVersion).changes
                if (Number(changes) === 1) expire.run(now - CONDITION_RETENTION_MILLIS)
                return Number(changes) === 1
              })
            }).pipe(
              Effect.flatMap((saved) =>
                saved ? Effect.void : Effect.fail(new VersionConflict({ symbol: `${symbol}|${interval}`, expected: expectedVersion }))
              )
            )
          )
      })
    })
  )
