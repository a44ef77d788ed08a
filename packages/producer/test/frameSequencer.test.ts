/** The sequence stage alone: frames in, trades, gaps and malformed samples out, as the producer wires them. */
import { describe, expect, it } from "vitest"
import type { Gap } from "@blockchaincore/core/gaps/Gap"
import type { Trade } from "@blockchaincore/core/trade/Trade"
import { ProducerMetrics } from "../src/metrics/ProducerMetrics.ts"
import { makeFrameSequencer, streamedSymbols } from "../src/sequence/FrameSequencer.ts"

const frame = (symbol: string, id: number, time: number) =>
  `{"stream":"${symbol.toLowerCase()}@trade","data":{"e":"trade","E":${time + 1},"s":"${symbol}","t":${id},"p":"61234.56000000","q":"0.00100000","T":${time},"m":true,"M":true}}`

const run = (frames: ReadonlyArray<string>, resumeFrom?: ReadonlyMap<string, { readonly id: number; readonly time: number }>) => {
  const metrics = new ProducerMetrics(0)
  const out = { trades: [] as Array<Trade>, firsts: [] as Array<string>, gaps: [] as Array<Gap>, malformed: [] as Array<string> }
  const sequence = makeFrameSequencer(streamedSymbols(["BTCUSDT", "ETHUSDT"], metrics, resumeFrom), metrics, {
    trade: (t) => void out.trades.push(t),
    first: (t) => void out.firsts.push(`${t.symbol} ${t.firstId}`),
    gap: (g) => void out.gaps.push(g),
    malformed: (m) => void out.malformed.push(m.reason)
  })
  frames.forEach((text, i) => sequence(text, 10_000 + i))
  return { ...out, counters: metrics.counters }
}

describe("the sequence stage", () => {
  it("passes each new trade on once, drops repeats, and hands on the gap a jump in ids reveals", () => {
    const r = run([
      frame("BTCUSDT", 1, 100),
      frame("BTCUSDT", 2, 110),
      frame("BTCUSDT", 2, 110),
      frame("ETHUSDT", 50, 120),
      frame("BTCUSDT", 6, 130),
      frame("BTCUSDT", 4, 125)
    ])
    expect(r.trades.map((t) => `${t.symbol} ${t.firstId}`)).toEqual(["BTCUSDT 1", "BTCUSDT 2", "ETHUSDT 50", "BTCUSDT 6"])
    expect(r.gaps).toEqual([{ symbol: "BTCUSDT", fromId: 3, toId: 5, fromTime: 110, toTime: 130 }])
    expect(r.counters.duplicatesDropped).toBe(2)
    expect(r.counters.gapsFound).toBe(1)
    expect(r.counters.symbols.get("BTCUSDT")).toMatchObject({ frames: 5, trades: 3, lastTradeTime: 130 })
    // Nothing was delivered before: each symbol's first trade is a cold start, said once.
    expect(r.firsts).toEqual(["BTCUSDT 1", "ETHUSDT 50"])
  })

  it("ignores symbols not asked for, counts and samples a malformed frame, and resumes after a stored point", () => {
    const r = run(
      [frame("SOLUSDT", 1, 100), '{"stream":"btcusdt@trade","data":{"e":"trade"}}', frame("BTCUSDT", 40, 100), frame("BTCUSDT", 43, 140)],
      new Map([["BTCUSDT", { id: 40, time: 90 }]])
    )
    expect(r.trades.map((t) => t.firstId)).toEqual([43])
    expect(r.firsts).toEqual([])
    expect(r.gaps).toEqual([{ symbol: "BTCUSDT", fromId: 41, toId: 42, fromTime: 90, toTime: 140 }])
    expect(r.counters.framesMalformed).toBe(1)
    expect(r.malformed).toHaveLength(1)
    expect(r.counters.symbols.has("SOLUSDT")).toBe(false)
  })
})
