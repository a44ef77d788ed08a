/**
 * The alert service's memory: per condition (symbol, interval, rule) its state under the alert
 * policy and the anomaly that started it. Written only if nobody else wrote it since it was read
 * (its version), so two deliveries of one anomaly cannot both alert. On AWS a DynamoDB table
 * whose items expire once a condition has been quiet for a day; locally in memory.
 */
import { Context, type Effect } from "effect"
import type { ConditionState } from "../alert/AlertPolicy.ts"
import type { AnomalyDetected } from "../events/DomainEvent.ts"
import type { StoreUnavailable, VersionConflict } from "./CandleStore.ts"

export interface StoredCondition {
  readonly state: ConditionState
  readonly anomaly: AnomalyDetected
  /** 1 for the first write; a condition never written has no entry. */
  readonly version: number
}

export class AlertConditions extends Context.Service<AlertConditions, {
  readonly load: (keys: ReadonlyArray<string>) => Effect.Effect<ReadonlyMap<string, StoredCondition>, StoreUnavailable>
  /** Writes version `expectedVersion + 1`; `expectedVersion` 0 means "not written yet". */
  readonly save: (key: string, state: ConditionState, anomaly: AnomalyDetected, expectedVersion: number) => Effect.Effect<void, StoreUnavailable | VersionConflict>
}>()("@blockchaincore/core/ports/AlertConditions") {}
