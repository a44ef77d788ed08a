/**
 * A gap that is never filled does not make a symbol's state grow without end: past the horizon
 * it is abandoned (its windows stay incomplete), closed windows after it are forgotten, and the
 * state, as the processor stores it (gzipped JSON), stays far under DynamoDB's 400 KB item.
 */
import { gzipSync } from "node:zlib"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { CandleEngine } from "../src/candle/CandleEngine.ts"
import { GAP_HORIZON_MILLIS } from "../src/gaps/GapLedger.ts"
import { SymbolSnapshot } from "../src/candle/EngineSnapshot.ts"
import type { Trade } from "../src/trade/Trade.ts"
import { trade as tradeOf } from "@blockchaincore/testkit/builders"

const T0 = Date.UTC(2024, 7, 8)
const trade = (id: number, time: number): Trade =>
  tradeOf(id, time, { price: 6_000_000_000_000n + BigInt(id % 1000) * 1_000_000n, qty: 1_000_000n, buyerIsMaker: id % 2 === 0 })
const storedBytes = (engine: CandleEngine) => gzipSync(JSON.stringify(Schema.encodeSync(SymbolSnapshot)(engine.snapshot().symbols[0]!))).length

describe("an unfilled gap", () => {
  it("is abandoned past the horizon, and the stored state stops growing", () => {
    const engine = new CandleEngine({ intervals: ["1m", "5m", "15m", "1h", "4h", "1d"], graceMillis: 50 })
    engine.apply(trade(1, T0))
    // Ids 2..999 never come; then a trade every 10 s for three days.
    let id = 1000
    const sizes: Array<number> = []
    for (let day = 0; day < 3; day++) {
      for (let t = T0 + day * 86_400_000 + 10_000; t <= T0 + (day + 1) * 86_400_000; t += 10_000) engine.apply(trade(id++, t))
      engine.drain()
      sizes.push(storedBytes(engine))
    }
    expect(engine.gaps()).toEqual([])
    expect(engine.counters.gapsAbandoned).toBe(1)
    // Day 1 holds the gap's windows; by day 2 they are gone and the state is a few windows.
    expect(sizes[0]).toBeGreaterThan(sizes[2]! * 10)
    expect(Math.max(...sizes)).toBeLessThan(200_000)
    expect(GAP_HORIZON_MILLIS).toBe(86_400_000)
  })

  it("is kept, and filled, within the horizon", () => {
    const engine = new CandleEngine({ intervals: ["1m"], graceMillis: 50 })
    engine.apply(trade(1, T0))
    engine.apply(trade(5, T0 + 3_600_000))
    expect(engine.gaps().map((g) => [g.fromId, g.toId])).toEqual([[2, 4]])
    for (const id of [2, 3, 4]) engine.apply(trade(id, T0 + id))
    expect(engine.gaps()).toEqual([])
    expect(engine.counters.gapsAbandoned).toBe(0)
  })
})
