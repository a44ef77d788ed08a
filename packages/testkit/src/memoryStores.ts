/**
 * Test layers of the store ports, in memory, with the semantics the real ones have (a state is
 * saved only over the version it was read at; candles answer Binance's ranges): for tests of a
 * service over its ports. Each passes its port's contract (testkit/contracts), as SQLite and
 * DynamoDB do.
 */
import { Effect, Layer } from "effect"
import type { SymbolSnapshot } from "@blockchaincore/core/candle/EngineSnapshot"
import type { Candle } from "@blockchaincore/core/candle/Candle"
import { CandleStore } from "@blockchaincore/core/ports/CandleStore"
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
        }),
      symbolsWithGaps: Effect.sync(() => [...states.entries()].flatMap(([symbol, { state }]) => (state.gaps.length > 0 ? [symbol] : [])))
    })
  })

/** Candles by symbol, interval and open time, in memory. */
export const memoryCandleStore = (): Layer.Layer<CandleStore> =>
  Layer.sync(CandleStore, () => {
    const windows = new Map<string, Candle>()
    const keyOf = (k: { readonly symbol: string; readonly interval: string; readonly openTime: number }) => `${k.symbol} ${k.interval} ${k.openTime}`
    return CandleStore.of({
      putCandles: (candles) => Effect.sync(() => candles.forEach((c) => windows.set(keyOf(c), c))),
      deleteCandles: (keys) => Effect.sync(() => keys.forEach((k) => windows.delete(keyOf(k)))),
      candles: (q) =>
        Effect.sync(() => {
          const from = q.startTime ?? 0
          const to = q.endTime ?? Number.MAX_SAFE_INTEGER
          const range = [...windows.values()]
            .filter((c) => c.symbol === q.symbol && c.interval === q.interval && c.openTime >= from && c.openTime <= to)
            .sort((a, b) => a.openTime - b.openTime)
          // Binance's klines: with a start, the first `limit` from it; without, the most recent.
          return q.startTime !== undefined ? range.slice(0, q.limit) : range.slice(Math.max(0, range.length - q.limit))
        }),
      symbols: () => Effect.sync(() => [...new Set([...windows.values()].map((c) => c.symbol))].sort())
    })
  })
