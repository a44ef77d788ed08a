/** Gaps in one place: how a trade is sequenced against the ids taken, and how the ledger holds and fills what was skipped. */
import { describe, expect, it } from "vitest"
import { GAP_HORIZON_MILLIS, GapLedger } from "../src/gaps/GapLedger.ts"
import { isMissing } from "../src/gaps/Gap.ts"
import { TradeSequence } from "../src/gaps/TradeSequence.ts"
import { trade } from "@blockchaincore/testkit/builders"

describe("a trade sequence", () => {
  it("takes the first trade without a gap, the next id as next, and a jump as the gap before it", () => {
    const s = new TradeSequence("BTCUSDT")
    expect(s.started).toBe(false)
    expect(s.isAhead(trade(7, 1_000))).toBe(true)
    expect(s.advance(trade(7, 1_000))).toBeUndefined()
    expect(s.advance(trade(8, 1_100))).toBeUndefined()
    expect(s.advance(trade(12, 1_500))).toEqual({ symbol: "BTCUSDT", fromId: 9, toId: 11, fromTime: 1_100, toTime: 1_500 })
    expect([s.lastId, s.lastTime]).toEqual([12, 1_500])
  })

  it("calls a repeat or a fill behind; resumes after a given point; skips past ids dealt with elsewhere", () => {
    const s = new TradeSequence("BTCUSDT", { id: 100, time: 5_000 })
    expect(s.isAhead(trade(100, 5_000))).toBe(false)
    expect(s.isAhead(trade(90, 4_000))).toBe(false)
    expect(s.advance(trade(103, 6_000))).toEqual({ symbol: "BTCUSDT", fromId: 101, toId: 102, fromTime: 5_000, toTime: 6_000 })
    s.skipTo(110, 9_000)
    expect([s.lastId, s.lastTime]).toEqual([110, 6_000])
    const fresh = new TradeSequence("ETHUSDT")
    fresh.skipTo(40, 2_000)
    expect([fresh.lastId, fresh.lastTime]).toEqual([40, 2_000])
  })
})

describe("a gap ledger", () => {
  const gap = { symbol: "BTCUSDT", fromId: 10, toId: 19, fromTime: 1_000, toTime: 2_000 }

  it("narrows a gap from either end, splits it in the middle, and closes it when the last ids arrive", () => {
    const ledger = new GapLedger()
    ledger.add(gap)
    expect(ledger.take(10, 11, 1_100)).toEqual({ gap, closed: false })
    expect(ledger.take(19, 19, 1_900)).toEqual({ gap: { ...gap, fromId: 12 }, closed: false })
    expect(ledger.take(14, 15, 1_500)).toEqual({ gap: { ...gap, fromId: 12, toId: 18 }, closed: false })
    expect(ledger.open.map((g) => [g.fromId, g.toId])).toEqual([
      [12, 13],
      [16, 18]
    ])
    expect(ledger.take(20, 20, 2_100)).toBeUndefined()
    expect(ledger.take(13, 16, 1_400)).toBeUndefined()
    expect(ledger.take(12, 13, 1_200)).toEqual({ gap: { ...gap, fromId: 12, toId: 13 }, closed: true })
    expect(ledger.open.map((g) => [g.fromId, g.toId])).toEqual([[16, 18]])
    expect(isMissing(ledger.open, 17)).toBe(true)
    expect(isMissing(ledger.open, 15)).toBe(false)
  })

  it("bounds what is left below a filled trade by its time, where the gap's own bound was a guess too early", () => {
    // A confirmation named ids 10-19 at 2,000; trade 19 was in fact made at 5,000.
    const ledger = new GapLedger()
    ledger.add(gap)
    ledger.take(19, 19, 5_000)
    expect(ledger.open).toEqual([{ ...gap, toId: 18, toTime: 5_000 }])
  })

  it("says which windows a gap may fall in, and gives up gaps past the horizon", () => {
    const ledger = new GapLedger()
    ledger.add(gap)
    ledger.add({ ...gap, fromId: 30, toId: 31, fromTime: 5_000, toTime: 6_000 })
    expect(ledger.overlaps(0, 999)).toBe(false)
    expect(ledger.overlaps(1_500, 1_600)).toBe(true)
    expect(ledger.overlaps(2_001, 4_999)).toBe(false)
    expect(ledger.abandonStale(2_000 + GAP_HORIZON_MILLIS)).toBe(0)
    expect(ledger.abandonStale(2_001 + GAP_HORIZON_MILLIS)).toBe(1)
    expect(ledger.open.map((g) => g.fromId)).toEqual([30])
  })
})
