/** Staged trades: binary on the hot path (lines of units beyond int64), read back each id once. */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { encodeStaged, encodeStagedBody, stagedRows } from "../src/formats/StagedTrades.ts"
import type { ArchivedTrade } from "@blockchaincore/core/ports/TradeArchive"
import { trade as tradeOf } from "@blockchaincore/testkit/builders"

const trade = (id: number, price: bigint, qty: bigint): ArchivedTrade => ({
  ...tradeOf(id, 1_723_161_255_000 + id, { price, qty, buyerIsMaker: id % 2 === 0 }),
  large: id % 3 === 0
})

describe("staged trades", () => {
  it("read back each id once, in id order, whether staged in binary or as lines of units", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 1e9 }), fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.bigInt({ min: 0n, max: 10n ** 17n })), {
          minLength: 1,
          maxLength: 50,
          selector: ([id]) => id
        }),
        (specs) => {
          const trades = specs.map(([id, p, q]) => trade(id, p, q))
          const fromBodies = stagedRows([encodeStagedBody(trades), encodeStagedBody(trades.slice(0, 3))])
          const fromUnits = stagedRows([encodeStaged(trades), encodeStaged(trades.slice(0, 3))])
          expect(fromUnits).toEqual(fromBodies)
          const ids = [...new Set(trades.map((t) => t.firstId))].sort((a, b) => a - b)
          expect(fromBodies.map((r) => r.id)).toEqual(ids)
        }
      )
    )
  })

  it("stages in binary what fits int64, as lines what does not", () => {
    expect(encodeStagedBody([trade(1, 2n ** 63n - 1n, 1n)])).toBeInstanceOf(Uint8Array)
    expect(encodeStagedBody([trade(1, 2n ** 63n, 1n)])).toBe(encodeStaged([trade(1, 2n ** 63n, 1n)]))
  })

  it("refuses a line of another shape, and a binary part cut short or with a foreign head", () => {
    expect(() => stagedRows(["1,2,3"])).toThrow(/corrupt staged trade/)
    const body = encodeStagedBody([trade(1, 5n, 7n), trade(2, 5n, 7n)])
    if (typeof body === "string") throw new Error("expected a binary body")
    expect(() => stagedRows([body.subarray(0, body.length - 1)])).toThrow(/corrupt staged part/)
    expect(() => stagedRows([Uint8Array.from([0, ...body.subarray(1)])])).toThrow(/corrupt staged part/)
  })
})
