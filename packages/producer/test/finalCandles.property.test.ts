/**
 * Final means final, for any market and anything the way to it does: no window is ever
 * `complete: true` unless it equals the exchange's own kline.
 *
 * The exchange is generated: one symbol's trades over a few minutes (ids consecutive, some
 * minutes without trades), perhaps a halt (minutes without trades and without klines), and its
 * klines. The client is the engine as the live pipeline runs it, driven by what the producer can
 * truthfully say, in any order and at any time: the stream from a cold start anywhere in the
 * market, with trades dropped or repeated; the opening after the first streamed trade; REST
 * filling gaps late, in short pages and in any order; confirmations from stale tickers, or dated
 * before the trades they name; status words in order
 * (a halt said with the klines' dates before any "trading" past it); restarts from the saved
 * state. After every step each final candle is held against the exchange's kline.
 */
import fc from "fast-check"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import type { Candle } from "@blockchaincore/core/candle/Candle"
import { CandleEngine, type EngineOptions } from "@blockchaincore/core/candle/CandleEngine"
import { EngineSnapshotFromJson } from "@blockchaincore/core/candle/EngineSnapshot"
import { INTERVALS } from "@blockchaincore/core/candle/Interval"
import { klineRow } from "@blockchaincore/core/candle/KlineCsv"
import type { Trade } from "@blockchaincore/core/trade/Trade"
import { trade } from "@blockchaincore/testkit/builders"
import { seedsOf } from "../src/coldStart/Openings.ts"

const M = 60_000
const T0 = Date.UTC(2024, 7, 8, 10, 57) // the 1h and 1d windows hold minutes before and after
const LIVE: EngineOptions = { intervals: [...INTERVALS], graceMillis: 0, awaitsOpening: true }

interface Market {
  readonly trades: ReadonlyArray<Trade>
  readonly halt: { readonly from: number; readonly to: number } | undefined
  /** The market's clock runs to here: windows ending before it are the exchange's klines. */
  readonly end: number
}

/** Per minute a number of trades (the first minute at least one), a halt over some of the quiet ones. */
const market: fc.Arbitrary<Market> = fc
  .tuple(
    fc.array(fc.nat({ max: 4 }), { minLength: 2, maxLength: 10 }),
    fc.option(fc.tuple(fc.nat({ max: 9 }), fc.integer({ min: 1, max: 3 })), { nil: undefined }),
    fc.array(fc.tuple(fc.integer({ min: 1, max: 9 }), fc.nat({ max: 59_999 }), fc.boolean()), { minLength: 60, maxLength: 60 })
  )
  .map(([counts, halt, draws]) => {
    const minutes = counts.length
    const haltSpan = halt === undefined || halt[0] === 0 || halt[0] >= minutes ? undefined : { from: halt[0], to: Math.min(minutes, halt[0] + halt[1]) }
    const trades: Array<Trade> = []
    let id = 1_000
    let draw = 0
    for (let m = 0; m < minutes; m++) {
      const inHalt = haltSpan !== undefined && m >= haltSpan.from && m < haltSpan.to
      const n = inHalt ? 0 : Math.max(m === 0 ? 1 : 0, counts[m]!)
      const times = Array.from({ length: n }, () => draws[draw++ % draws.length]!).sort((a, b) => a[1] - b[1])
      for (const [price, at, maker] of times)
        trades.push(trade(id++, T0 + m * M + at, { price: BigInt(price) * 100_000_000n, qty: BigInt(at + 1), buyerIsMaker: maker }))
    }
    return {
      trades,
      halt: haltSpan === undefined ? undefined : { from: T0 + haltSpan.from * M, to: T0 + haltSpan.to * M },
      end: T0 + (minutes + 2) * M
    }
  })

/** The exchange's klines: every window closed by the market's end, none for a halted minute without trades (nor a longer window of only those). */
const exchangeKlines = (m: Market): Map<string, Candle> => {
  const engine = new CandleEngine({ intervals: [...INTERVALS], graceMillis: 0 })
  for (const t of m.trades) engine.apply(t)
  engine.advance("BTCUSDT", m.end)
  const halted = (c: Candle) => m.halt !== undefined && c.trades === 0 && c.openTime >= m.halt.from && c.closeTime < m.halt.to
  const klines = new Map<string, Candle>()
  for (const o of engine.drain()) if (o._tag === "CandleClosed" && !halted(o.candle)) klines.set(keyOf(o.candle), o.candle)
  return klines
}

const keyOf = (c: { readonly interval: string; readonly openTime: number }) => `${c.interval}@${c.openTime}`

type Step =
  | { readonly _tag: "stream"; readonly drop: boolean; readonly repeat: boolean }
  | { readonly _tag: "open" }
  | { readonly _tag: "fill"; readonly page: number; readonly fromTop: boolean }
  | { readonly _tag: "tick"; readonly millis: number }
  | { readonly _tag: "confirm"; readonly staleness: number; readonly datedEarly: boolean }
  | { readonly _tag: "status"; readonly staleness: number }
  | { readonly _tag: "restart" }

const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ _tag: fc.constant("stream" as const), drop: fc.nat({ max: 9 }).map((n) => n < 3), repeat: fc.boolean() }), weight: 8 },
  { arbitrary: fc.constant({ _tag: "open" as const }), weight: 2 },
  { arbitrary: fc.record({ _tag: fc.constant("fill" as const), page: fc.integer({ min: 0, max: 5 }), fromTop: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({ _tag: fc.constant("tick" as const), millis: fc.integer({ min: 1, max: 2 * M }) }), weight: 2 },
  { arbitrary: fc.record({ _tag: fc.constant("confirm" as const), staleness: fc.nat({ max: 3 * M }), datedEarly: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({ _tag: fc.constant("status" as const), staleness: fc.nat({ max: 3 * M }) }), weight: 3 },
  { arbitrary: fc.constant({ _tag: "restart" as const }), weight: 1 }
)

const restarted = (engine: CandleEngine): CandleEngine =>
  CandleEngine.restore(Schema.decodeSync(EngineSnapshotFromJson)(Schema.encodeSync(EngineSnapshotFromJson)(engine.snapshot())))

/** What the runs exercised: a property that never met a final candle, a halt or an opening would prove nothing. */
const seen = { final: 0, retracted: 0, opened: 0, restarts: 0 }

/** Runs the client through `steps` from a cold start at trade `start`; returns the final candles that differ from the exchange's. */
const run = (m: Market, start: number, steps: ReadonlyArray<Step>) => {
  const klines = exchangeKlines(m)
  const minuteKlines = [...klines.values()].filter((k) => k.interval === "1m")
  let engine = new CandleEngine(LIVE)
  const stored = new Map<string, Candle>()
  const wrong: Array<string> = []
  let next = start
  let now = m.trades[start]!.time
  let opened = false
  let haltSaid = false
  const missing = new Set<number>()
  const byId = new Map(m.trades.map((t) => [t.firstId, t]))
  const first = m.trades[start]!

  const settle = () => {
    for (const o of engine.drain()) {
      if (o._tag === "CandleRetracted") {
        seen.retracted++
        stored.delete(keyOf(o))
      } else if (o._tag === "CandleClosed" || o._tag === "CandleRevised") stored.set(keyOf(o.candle), o.candle)
    }
    for (const [key, candle] of stored) {
      if (!candle.complete) continue
      seen.final++
      const theirs = klines.get(key)
      if (theirs === undefined || klineRow(theirs).join() !== klineRow(candle).join())
        wrong.push(`${key}: ours ${klineRow(candle).join()} | theirs ${theirs === undefined ? "(none)" : klineRow(theirs).join()}`)
    }
  }

  for (const s of steps) {
    switch (s._tag) {
      case "stream": {
        const t = m.trades[next]
        if (t === undefined) break
        next++
        now = Math.max(now, t.time)
        // The first streamed trade is never lost: it is the cold start's.
        if (s.drop && t !== first) missing.add(t.firstId)
        else engine.apply(t)
        if (s.repeat) engine.apply(m.trades[Math.max(start, next - 2)]!)
        engine.advance("BTCUSDT", now)
        break
      }
      case "open": {
        if (opened) break
        opened = true
        seen.opened++
        const minuteOpen = first.time - (first.time % M)
        const firstId = m.trades.find((t) => t.time >= minuteOpen)!.firstId
        for (let id = firstId; id < first.firstId; id++) missing.add(id)
        engine.open("BTCUSDT", { beforeId: first.firstId, firstId, seeds: seedsOf(minuteKlines, minuteOpen) })
        break
      }
      case "fill": {
        // REST gives a page shorter than asked while its database lags; the lowest ids first, or (a
        // later page whose earlier one was lost) the highest.
        const order = [...missing].sort((a, b) => (s.fromTop ? b - a : a - b))
        for (const id of order.slice(0, s.page)) {
          missing.delete(id)
          engine.apply(byId.get(id)!)
        }
        break
      }
      case "tick":
        now = Math.min(m.end, now + s.millis)
        engine.advance("BTCUSDT", now)
        break
      case "confirm": {
        const at = Math.max(T0, now - s.staleness)
        // Dated early: the last id as the market stands now, dated where the stream stood (a stalled
        // stream's time): it proves less, and any gap it names ends no earlier than its trades.
        const lastId = m.trades.filter((t) => t.time <= (s.datedEarly ? now : at)).at(-1)?.lastId
        if (lastId !== undefined) engine.confirm("BTCUSDT", lastId, at)
        break
      }
      case "status": {
        const at = Math.max(T0, now - s.staleness)
        const halt = m.halt
        if (halt === undefined || at < halt.from) engine.setStatuses("BTCUSDT", [{ trading: true, time: at }])
        else if (at < halt.to) engine.setStatuses("BTCUSDT", [{ trading: false, time: halt.from }])
        else {
          // A halt is said with its dates (from the klines) before any word of trading past it.
          engine.setStatuses("BTCUSDT", [
            ...(haltSaid
              ? []
              : [
                  { trading: false, time: halt.from },
                  { trading: true, time: halt.to }
                ]),
            { trading: true, time: at }
          ])
          haltSaid = true
        }
        break
      }
      case "restart":
        seen.restarts++
        engine = restarted(engine)
        break
    }
    settle()
    if (wrong.length > 0) return wrong
  }
  return wrong
}

describe("final candles, for any market and any way to it", () => {
  it("are never complete unless they equal the exchange's kline", () => {
    fc.assert(
      fc.property(
        market.chain((m) => fc.tuple(fc.constant(m), fc.nat({ max: m.trades.length - 1 }), fc.array(step, { minLength: 20, maxLength: 120 }))),
        ([m, start, steps]) => {
          expect(run(m, start, steps)).toEqual([])
        }
      ),
      { numRuns: 400 }
    )
    expect(seen.final).toBeGreaterThan(1_000)
    expect(seen.retracted).toBeGreaterThan(10)
    expect(seen.opened).toBeGreaterThan(100)
    expect(seen.restarts).toBeGreaterThan(100)
  })

  it("holds where it once failed: a trade after two gaps named by confirmations, the first's windows carrying a close still missing", () => {
    // Trades 1001-1003 lost; a confirmation names 1001-1002, a later one 1003; 1003 is filled, 1004 streams.
    const trades = [
      [1000, 2_518, 4, 2_519, true],
      [1001, 2_854, 2, 2_855, false],
      [1002, 27_416, 3, 27_417, false],
      [1003, 213_234, 7, 33_235, true],
      [1004, 228_562, 9, 48_563, true],
      [1005, 240_973, 8, 974, false]
    ] as const
    const m: Market = {
      trades: trades.map(([id, at, price, qty, maker]) => trade(id, T0 + at, { price: BigInt(price) * 100_000_000n, qty: BigInt(qty), buyerIsMaker: maker })),
      halt: undefined,
      end: T0 + 9 * M
    }
    const steps: ReadonlyArray<Step> = [
      { _tag: "stream", drop: true, repeat: false },
      { _tag: "stream", drop: true, repeat: false },
      { _tag: "stream", drop: true, repeat: false },
      { _tag: "confirm", staleness: 0, datedEarly: false },
      { _tag: "tick", millis: 104_298 },
      { _tag: "tick", millis: 81_520 },
      { _tag: "confirm", staleness: 0, datedEarly: false },
      { _tag: "stream", drop: true, repeat: false },
      { _tag: "stream", drop: true, repeat: true },
      { _tag: "status", staleness: 0 },
      { _tag: "stream", drop: true, repeat: true },
      { _tag: "confirm", staleness: 0, datedEarly: false }
    ]
    expect(run(m, 0, steps)).toEqual([])
  })

  it("holds where it once failed: confirmations dated before the trades they name, and a gap filled from its top", () => {
    const trades = [
      [1000, 16236, 3, 16237, false],
      [1001, 61710, 9, 1711, true],
      [1002, 84993, 6, 24994, false],
      [1003, 109291, 3, 49292, false],
      [1004, 119586, 3, 59587, false],
      [1005, 212492, 1, 32493, true],
      [1006, 217718, 2, 37719, false],
      [1007, 253719, 8, 13720, false],
      [1008, 266647, 2, 26648, false],
      [1009, 271068, 5, 31069, false],
      [1010, 271477, 1, 31478, true]
    ] as const
    const m: Market = {
      trades: trades.map(([id, at, price, qty, maker]) => trade(id, T0 + at, { price: BigInt(price) * 100_000_000n, qty: BigInt(qty), buyerIsMaker: maker })),
      halt: { from: T0 + 5 * M, to: T0 + 6 * M },
      end: T0 + 8 * M
    }
    const steps: ReadonlyArray<Step> = [
      { _tag: "stream", drop: true, repeat: false },
      { _tag: "stream", drop: true, repeat: false },
      { _tag: "confirm", staleness: 1711, datedEarly: true },
      { _tag: "stream", drop: true, repeat: false },
      { _tag: "confirm", staleness: 24994, datedEarly: true },
      { _tag: "restart" },
      { _tag: "open" },
      { _tag: "confirm", staleness: 0, datedEarly: false },
      { _tag: "stream", drop: true, repeat: false },
      { _tag: "stream", drop: false, repeat: false },
      { _tag: "stream", drop: true, repeat: false },
      { _tag: "stream", drop: true, repeat: false },
      { _tag: "confirm", staleness: 0, datedEarly: false },
      { _tag: "stream", drop: true, repeat: false },
      { _tag: "fill", page: 0, fromTop: false },
      { _tag: "restart" },
      { _tag: "tick", millis: 1 },
      { _tag: "stream", drop: false, repeat: false },
      { _tag: "status", staleness: 0 },
      { _tag: "fill", page: 1, fromTop: true },
      { _tag: "fill", page: 4, fromTop: true },
      { _tag: "stream", drop: true, repeat: false },
      { _tag: "status", staleness: 0 },
      { _tag: "stream", drop: true, repeat: false },
      { _tag: "status", staleness: 0 }
    ]
    expect(run(m, 0, steps)).toEqual([])
  })
})
