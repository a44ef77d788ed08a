/**
 * The recent anomalies, alerts and reconciliations with Binance's klines, kept for the API, the
 * dashboard and `/health`: each event once (by its
 * id, however often the bus delivers it), read newest first, kept a month after it was recorded:
 * on AWS a DynamoDB table with that TTL, locally SQLite (and at most the newest thousand of each).
 */
import { Context, type Effect, Schema } from "effect"
import { AlertSent, AnomalyDetected, HourReconciled } from "../events/DomainEvent.ts"
import type { ReconciliationHealth } from "../health/PipelineHealth.ts"
import type { StoreUnavailable } from "./StoreErrors.ts"
import { DAY_MILLIS } from "../time/UtcTime.ts"

export type HistoryEvent = AnomalyDetected | AlertSent | HourReconciled

/** How long an anomaly or alert is kept after it was recorded. */
export const HISTORY_RETENTION_MILLIS = 30 * DAY_MILLIS

/** When an event happened, for ordering: its candle's open time, when the alert went out, or when the hour was compared. */
export const historyTime = (event: HistoryEvent): number =>
  event._tag === "AnomalyDetected" ? event.candle.openTime : event._tag === "AlertSent" ? event.sentAt : event.checkedAt

/** An event as both stores keep it: its JSON. */
export const encodeHistoryBody: (event: HistoryEvent) => string = Schema.encodeSync(
  Schema.fromJsonString(Schema.Union([AnomalyDetected, AlertSent, HourReconciled]))
)

/** The kind an event is kept under, and listed by. */
export const historyKind = (event: HistoryEvent): "anomaly" | "alert" | "reconciliation" =>
  event._tag === "AnomalyDetected" ? "anomaly" : event._tag === "AlertSent" ? "alert" : "reconciliation"

/** How many of the latest reconciliations `/health` sums: a few hours of 200 symbols. */
export const RECONCILIATIONS_SUMMED = 500

/** Reconciliations summed: hours compared, windows that differed, and when last (null before the first). */
export const reconciliationHealthOf = (kept: ReadonlyArray<{ readonly checkedAt: number; readonly mismatches: number }>): ReconciliationHealth => ({
  hours: kept.length,
  mismatches: kept.reduce((n, r) => n + r.mismatches, 0),
  lastAt: kept.length === 0 ? null : Math.max(...kept.map((r) => r.checkedAt))
})

/** What an event adds to the mismatches summed: a reconciliation's differing windows. */
export const mismatchesOf = (event: HistoryEvent): number => (event._tag === "HourReconciled" ? event.differences.length : 0)

export class EventHistory extends Context.Service<
  EventHistory,
  {
    readonly record: (event: HistoryEvent) => Effect.Effect<void, StoreUnavailable>
    /** Newest first, at most `limit`. */
    readonly anomalies: (limit: number) => Effect.Effect<ReadonlyArray<AnomalyDetected>, StoreUnavailable>
    readonly alerts: (limit: number) => Effect.Effect<ReadonlyArray<AlertSent>, StoreUnavailable>
    /**
     * The latest `RECONCILIATIONS_SUMMED` reconciliations summed, read without their rows: `/health`
     * asks every few seconds for each dashboard open.
     */
    readonly reconciliation: Effect.Effect<ReconciliationHealth, StoreUnavailable>
  }
>()("@blockchaincore/core/ports/EventHistory") {}
