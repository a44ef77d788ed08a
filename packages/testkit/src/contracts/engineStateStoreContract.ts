/** What every engine state store does (memory, SQLite, DynamoDB): a snapshot kept whole, written only at the version it was read at. */
import { describe, expect, it } from "vitest"
import type { EngineStateStore } from "@blockchaincore/core/ports/EngineStateStore"
import { snapshotOf, snapshotWithGap } from "../builders.ts"
import { type Fresh, outcomeOf, run, withFresh } from "./freshStore.ts"

const T0 = Date.UTC(2024, 7, 8, 23, 0)

export const engineStateStoreContract = (adapter: string, fresh: () => Promise<Fresh<EngineStateStore["Service"]>>) =>
  describe(`the engine state store contract: ${adapter}`, () => {
    it(
      "has no state and version 0 for a symbol never saved",
      withFresh(fresh, async (store) => {
        expect(await run(store.loadState("XRPETH"))).toEqual({ version: 0, state: undefined })
      })
    )

    it(
      "gives back a saved snapshot whole, at the next version",
      withFresh(fresh, async (store) => {
        const snapshot = snapshotOf("XRPETH", 7, T0)
        expect(await run(store.saveState("XRPETH", snapshot, 0))).toBe(1)
        expect(await run(store.loadState("XRPETH"))).toEqual({ version: 1, state: snapshot })
        const later = snapshotOf("XRPETH", 9, T0)
        expect(await run(store.saveState("XRPETH", later, 1))).toBe(2)
        expect(await run(store.loadState("XRPETH"))).toEqual({ version: 2, state: later })
      })
    )

    it(
      "refuses a write at a version another writer has passed, and keeps that writer's state",
      withFresh(fresh, async (store) => {
        const theirs = snapshotOf("BTCUSDT", 3, T0)
        await run(store.saveState("BTCUSDT", theirs, 0))
        expect(await outcomeOf(store.saveState("BTCUSDT", snapshotOf("BTCUSDT", 5, T0), 0))).toBe("VersionConflict")
        expect(await outcomeOf(store.saveState("BTCUSDT", snapshotOf("BTCUSDT", 5, T0), 2))).toBe("VersionConflict")
        expect(await run(store.loadState("BTCUSDT"))).toEqual({ version: 1, state: theirs })
      })
    )

    it(
      "keeps each symbol's state apart",
      withFresh(fresh, async (store) => {
        await run(store.saveState("BTCUSDT", snapshotOf("BTCUSDT", 3, T0), 0))
        expect(await run(store.loadState("ETHUSDT"))).toEqual({ version: 0, state: undefined })
        expect(await run(store.saveState("ETHUSDT", snapshotOf("ETHUSDT", 4, T0), 0))).toBe(1)
      })
    )

    it(
      "lists the symbols whose saved state holds an open gap, and forgets one once its gap is filled",
      withFresh(fresh, async (store) => {
        expect(await run(store.symbolsWithGaps)).toEqual([])
        await run(store.saveState("BTCUSDT", snapshotWithGap("BTCUSDT", T0), 0))
        await run(store.saveState("ETHUSDT", snapshotOf("ETHUSDT", 4, T0), 0))
        await run(store.saveState("SOLUSDT", snapshotWithGap("SOLUSDT", T0), 0))
        expect([...(await run(store.symbolsWithGaps))].sort()).toEqual(["BTCUSDT", "SOLUSDT"])
        await run(store.saveState("BTCUSDT", snapshotOf("BTCUSDT", 5, T0), 1))
        expect(await run(store.symbolsWithGaps)).toEqual(["SOLUSDT"])
      })
    )
  })
