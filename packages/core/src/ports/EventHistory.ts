/**
 * The recent anomalies and alerts, kept for the API and the dashboard: each event once (by its
 * id, however often the bus delivers it), read newest first, kept a month after it was recorded:
 * on AWS a DynamoDB table with that TTL, locally SQLite (and at most the newest thousand of each).
 */
import { Context, type Effect } from "effect"
import type { AlertSent, AnomalyDetected } from "../events/DomainEvent.ts"
import type { StoreUnavailable } from "./CandleStore.ts"

export type HistoryEvent = AnomalyDetected | AlertSent

/** How long an anomaly or alert is kept after it was recorded. */
export const HISTORY_RETENTION_MILLIS = 30 * 24 * 3_600_000

/** When an event happened, for ordering: its candle's open time, or when the alert went out. */
export const historyTime = (event: HistoryEvent): number => (event._tag === "AnomalyDetected" ? event.candle.openTime : event.sentAt)

export class EventHistory extends Context.Service<EventHistory, {
  readonly record: (event: HistoryEvent) => Effect.Effect<void, StoreUnavailable>
  /** Newest first, at most `limit`. */
  readonly anomalies: (limit: number) => Effect.Effect<ReadonlyArray<AnomalyDetected>, StoreUnavailable>
  readonly alerts: (limit: number) => Effect.Effect<ReadonlyArray<AlertSent>, StoreUnavailable>
}>()("@blockchaincore/core/ports/EventHistory") {}
