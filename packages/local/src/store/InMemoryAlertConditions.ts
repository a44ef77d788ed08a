/**
 * The alert conditions of one local process, in memory: a restart forgets which conditions are
 * firing (the next finding alerts again, once).
 */
import { Effect, Layer } from "effect"
import { AlertConditions, type ConditionGroup, EMPTY_GROUP } from "@blockchaincore/core/ports/AlertConditions"
import { VersionConflict } from "@blockchaincore/core/ports/CandleStore"

export const layerInMemoryAlertConditions: Layer.Layer<AlertConditions> = Layer.sync(AlertConditions, () => {
  const groups = new Map<string, ConditionGroup>()
  return AlertConditions.of({
    load: (symbol, interval) => Effect.sync(() => groups.get(`${symbol}|${interval}`) ?? EMPTY_GROUP),
    save: (symbol, interval, conditions, expectedVersion) =>
      Effect.suspend(() => {
        const key = `${symbol}|${interval}`
        if ((groups.get(key)?.version ?? 0) !== expectedVersion) return Effect.fail(new VersionConflict({ symbol: key, expected: expectedVersion }))
        groups.set(key, { version: expectedVersion + 1, conditions: new Map(conditions) })
        return Effect.void
      })
  })
})
