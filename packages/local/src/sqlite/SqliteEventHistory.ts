/**
 * The local runtime's recent anomalies, alerts and reconciliations, in SQLite beside the candle store: each event
 * once (by its id, however often the bus delivers it), newest first, kept as long as on AWS
 * (`HISTORY_RETENTION_MILLIS` after it was recorded) and at most the newest `KEPT` of each kind.
 * A restart, even after a SIGKILL, lists what was listed before.
 */
import { Clock, Effect, Layer, Schema } from "effect"
import { AlertSent, AnomalyDetected } from "@blockchaincore/core/events/DomainEvent"
import type { StoreUnavailable } from "@blockchaincore/core/ports/StoreErrors"
import {
  encodeHistoryBody,
  EventHistory,
  HISTORY_RETENTION_MILLIS,
  historyKind,
  historyTime,
  mismatchesOf,
  RECONCILIATIONS_SUMMED,
  reconciliationHealthOf
} from "@blockchaincore/core/ports/EventHistory"
import { attempt, inTransaction, openDatabase } from "./LocalDatabase.ts"

/** Per kind: what the dashboard and API can list, and a bound however busy the market. */
export const KEPT = 1_000

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS history (
    kind TEXT NOT NULL, id TEXT NOT NULL, at INTEGER NOT NULL, recorded_at INTEGER NOT NULL, mismatches INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (kind, id)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS history_newest ON history (kind, at DESC, id DESC);
`

const AnomalyJson = Schema.fromJsonString(AnomalyDetected)
const AlertJson = Schema.fromJsonString(AlertSent)

export const layerSqliteEventHistory = (path: string): Layer.Layer<EventHistory, StoreUnavailable> =>
  Layer.effect(
    EventHistory,
    Effect.gen(function* () {
      const db = yield* openDatabase(path, SCHEMA)
      const insert = db.prepare("INSERT INTO history (kind, id, at, recorded_at, mismatches, body) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
      const expire = db.prepare("DELETE FROM history WHERE recorded_at < ?")
      const trim = db.prepare("DELETE FROM history WHERE kind = ? AND id NOT IN (SELECT id FROM history WHERE kind = ? ORDER BY at DESC, id DESC LIMIT ?)")
      const newest = db.prepare("SELECT body FROM history WHERE kind = ? ORDER BY at DESC, id DESC LIMIT ?")
      const reconciled = db.prepare("SELECT at, mismatches FROM history WHERE kind = 'reconciliation' ORDER BY at DESC, id DESC LIMIT ?")
      const list = <A>(kind: string, schema: Schema.Codec<A, string>, limit: number) =>
        attempt(`recent ${kind}s`, () => newest.all(kind, limit).map((r) => Schema.decodeUnknownSync(schema)(String(r["body"]))))
      return EventHistory.of({
        record: (event) =>
          Effect.flatMap(Clock.currentTimeMillis, (now) =>
            attempt("record history", () => {
              const kind = historyKind(event)
              const body = encodeHistoryBody(event)
              inTransaction(db, () => {
                if (Number(insert.run(kind, event.id, historyTime(event), now, mismatchesOf(event), body).changes) === 0) return
                expire.run(now - HISTORY_RETENTION_MILLIS)
                trim.run(kind, kind, KEPT)
              })
            })
          ),
        anomalies: (limit) => list("anomaly", AnomalyJson, limit),
        alerts: (limit) => list("alert", AlertJson, limit),
        reconciliation: attempt("recent reconciliations", () =>
          reconciliationHealthOf(reconciled.all(RECONCILIATIONS_SUMMED).map((r) => ({ checkedAt: Number(r["at"]), mismatches: Number(r["mismatches"]) })))
        )
      })
    })
  )
