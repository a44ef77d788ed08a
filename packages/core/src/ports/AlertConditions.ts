/**
 * The alert service's memory, per symbol and interval: for each rule that has fired there, its
 * state under the alert policy and the anomaly that started it. One record per symbol and
 * interval, so a closed candle (which may resolve any rule) costs one read. Written only if
 * nobody else wrote it since it was read (its version), so two deliveries of one anomaly cannot
 * both alert. On AWS a DynamoDB item that expires a week after its last write; locally in memory.
 */
import { Context, type Effect } from "effect"
import type { ConditionState } from "../alert/AlertPolicy.ts"
import type { Interval } from "../candle/Interval.ts"
import type { AnomalyDetected, AnomalyRule } from "../events/DomainEvent.ts"
import type { StoreUnavailable, VersionConflict } from "./CandleStore.ts"

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

export class AlertConditions extends Context.Service<AlertConditions, {
  readonly load: (symbol: string, interval: Interval) => Effect.Effect<ConditionGroup, StoreUnavailable>
  /** Writes version `expectedVersion + 1`. */
  readonly save: (symbol: string, interval: Interval, conditions: ReadonlyMap<AnomalyRule, Condition>, expectedVersion: number) => Effect.Effect<void, StoreUnavailable | VersionConflict>
}>()("@blockchaincore/core/ports/AlertConditions") {}
