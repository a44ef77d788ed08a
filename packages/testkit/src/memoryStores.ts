/**
 * Test layers of the store ports, in memory, with the semantics the real ones have (a state is
 * saved only over the version it was read at): for tests of a service over its ports, where the
 * store's own behaviour is tested elsewhere against SQLite and DynamoDB.
 */
import { Effect, Layer } from "effect"
import type { SymbolSnapshot } from "@blockchaincore/core/candle/EngineSnapshot"
import { EngineStateStore } from "@blockchaincore/core/ports/EngineStateStore"
import { VersionConflict } from "@blockchaincore/core/ports/StoreErrors"

export const memoryEngineStateStore = (): Layer.Layer<EngineStateStore> =>
  Layer.sync(EngineStateStore, () => {
    const states = new Map<string, { readonly version: number; readonly state: SymbolSnapshot }>()
    return EngineStateStore.of({
      loadState: (symbol) => Effect.sync(() => states.get(symbol) ?? { version: 0, state: undefined }),
      saveState: (symbol, state, expectedVersion) =>
        Effect.suspend(() => {
          if ((states.get(symbol)?.version ?? 0) !== expectedVersion) return Effect.fail(new VersionConflict({ symbol, expected: expectedVersion }))
          states.set(symbol, { version: expectedVersion + 1, state })
          return Effect.succeed(expectedVersion + 1)
        })
    })
  })
