/**
 * The alert service's memory, per symbol and interval: for each rule that has fired there, its
 * state under the alert policy and the anomaly that started it. One record per symbol and
 * interval, so a closed candle (which may resolve any rule) costs one read. Written only if
 * nobody else wrote it since it was read (its version), so two deliveries of one anomaly cannot
 * both alert. Kept a week after its last write: on AWS a DynamoDB item with that TTL, locally a
 * SQLite row.
 */
import { Context, type Effect, Schema } from "effect"
import type { ConditionState } from "../alert/AlertPolicy.ts"
import type { Interval } from "../candle/Interval.ts"
import { AnomalyDetected, AnomalyRule } from "../events/DomainEvent.ts"
import type { StoreUnavailable, VersionConflict } from "./StoreErrors.ts"
import { DAY_MILLIS } from "../time/UtcTime.ts"

export interface Condition {
  readonly state: ConditionState
  readonly anomaly: AnomalyDetected
}

export interface ConditionGroup {
  /** 0 for a symbol and interval never written. */
  readonly version: number
  readonly conditions: ReadonlyMap<AnomalyRule, Condition>
}

export const EMPTY_GROUP: ConditionGroup = { version: 0, conditions: new Map() }

export class AlertConditions extends Context.Service<
  AlertConditions,
  {
    readonly load: (symbol: string, interval: Interval) => Effect.Effect<ConditionGroup, StoreUnavailable>
    /** Writes version `expectedVersion + 1`. */
    readonly save: (
      symbol: string,
      interval: Interval,
      conditions: ReadonlyMap<AnomalyRule, Condition>,
      expectedVersion: number
    ) => Effect.Effect<void, StoreUnavailable | VersionConflict>
  }
>()("@blockchaincore/core/ports/AlertConditions") {}

/** How long a symbol and interval's conditions are kept after their last write. */
export const CONDITION_RETENTION_MILLIS = 7 * DAY_MILLIS

/** A group's conditions as both stores keep them: one record per rule. */
export const ConditionRecords = Schema.Array(
  Schema.Struct({
    rule: AnomalyRule,
    state: Schema.Struct({ firing: Schema.Boolean, lastFiredOpenTime: Schema.Number, lastAlertAt: Schema.Number, notified: Schema.Boolean }),
    anomaly: AnomalyDetected
  })
)
