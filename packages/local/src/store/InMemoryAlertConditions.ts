/**
 * The alert conditions of one local process, in memory: a restart forgets which conditions are
 * firing (the next finding alerts again, once).
 */
import { Effect, Layer } from "effect"
import { AlertConditions, type StoredCondition } from "@blockchaincore/core/ports/AlertConditions"
import { VersionConflict } from "@blockchaincore/core/ports/CandleStore"

export const layerInMemoryAlertConditions: Layer.Layer<AlertConditions> = Layer.sync(AlertConditions, () => {
  const conditions = new Map<string, StoredCondition>()
  return AlertConditions.of({
    load: (keys) => Effect.sync(() => new Map(keys.flatMap((k) => { const c = conditions.get(k); return c === undefined ? [] : [[k, c] as const] }))),
    save: (key, state, anomaly, expectedVersion) =>
      Effect.suspend(() => {
        if ((conditions.get(key)?.version ?? 0) !== expectedVersion) return Effect.fail(new VersionConflict({ symbol: key, expected: expectedVersion }))
        conditions.set(key, { state, anomaly, version: expectedVersion + 1 })
        return Effect.void
      })
  })
})
