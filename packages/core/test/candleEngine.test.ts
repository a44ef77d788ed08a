/** The engine's rules, one scenario each, in numbers a reader can check by hand. */
import { describe, expect, it } from "vitest"
import type { Candle } from "../src/candle/Candle.ts"
import { CandleEngine } from "../src/candle/CandleEngine.ts"
import type { Trade } from "../src/trade/Trade.ts"
import { trade as tradeOf } from "@blockchaincore/testkit/builders"

const T0 = Date.UTC(2024, 7, 8, 10, 0)
const S = 1000
const M = 60 * S

const trade = (id: number, at: number, price: bigint, qty = 100_000_000n, buyerIsMaker = false): Trade => tradeOf(id, T0 + at, { price, qty, buyerIsMaker })

const brief = (c: Candle) => ({
  at: (c.openTime - T0) / M,
  o: c.open,
  h: c.high,
  l: c.low,
  c: c.close,
  n: c.trades,
  complete: c.complete
})

const minuteEngine = (graceMillis = 0) => new CandleEngine({ intervals: ["1m"], graceMillis })

describe("CandleEngine", () => {
  it("closes a window when the watermark passes its end plus the grace, not before", () => {
    const engine = minuteEngine(2 * S)
    engine.apply(trade(1, 10 * S, 100n))
    engine.apply(trade(2, M + S, 101n)) // past the end, within the grace
    expect(engine.drain()).toEqual([])
    engine.advance("BTCUSDT", T0 + M + 2 * S)
    expect(engine.drain().map((o) => o._tag === "CandleClosed" && brief(o.candle))).toEqual([
      { at: 0, o: 100n, h: 100n, l: 100n, c: 100n, n: 1, complete: true }
    ])
  })

  it("emits windows without trades at the previous close, provisional until the exchange confirms them and says the symbol was trading", () => {
    const engine = minuteEngine()
    engine.apply(trade(1, 10 * S, 100n))
    engine.apply(trade(2, 20 * S, 105n))
    engine.advance("BTCUSDT", T0 + 3 * M)
    const candles = engine.drain().flatMap((o) => (o._tag === "CandleClosed" ? [brief(o.candle)] : []))
    expect(candles).toEqual([
      { at: 0, o: 100n, h: 105n, l: 100n, c: 105n, n: 2, complete: false },
      { at: 1, o: 105n, h: 105n, l: 105n, c: 105n, n: 0, complete: false },
      { at: 2, o: 105n, h: 105n, l: 105n, c: 105n, n: 0, complete: false }
    ])
    engine.confirm("BTCUSDT", 2, T0 + 2 * M) // the exchange had nothing after trade 2 when the stream stood at 10:02
    // A window without trades is a kline only if the symbol was trading: not final on the last id alone.
    expect(engine.drain().map((o) => o._tag === "CandleRevised" && brief(o.candle))).toEqual([
      { at: 0, o: 100n, h: 105n, l: 100n, c: 105n, n: 2, complete: true }
    ])
    engine.setTrading("BTCUSDT", true, T0 + 2 * M) // exchangeInfo said TRADING at 10:02
    expect(engine.drain().map((o) => o._tag === "CandleRevised" && brief(o.candle))).toEqual([
      { at: 1, o: 105n, h: 105n, l: 105n, c: 105n, n: 0, complete: true }
    ])
    engine.apply(trade(3, 3 * M + S, 104n)) // a later trade proves no trade was missed; the status is still behind
    expect(engine.drain()).toEqual([])
    engine.setTrading("BTCUSDT", true, T0 + 3 * M + S)
    expect(engine.drain().map((o) => o._tag === "CandleRevised" && brief(o.candle))).toEqual([
      { at: 2, o: 105n, h: 105n, l: 105n, c: 105n, n: 0, complete: true }
    ])
  })

  it("retracts the windows without trades it emitted before it learnt of a halt, and the longer ones left empty", () => {
    const engine = new CandleEngine({ intervals: ["1m", "5m"], graceMillis: 0 })
    engine.apply(trade(1, 10 * S, 100n))
    engine.setTrading("BTCUSDT", true, T0 + S)
    engine.advance("BTCUSDT", T0 + 7 * M) // the stream's time moves on (other symbols trade)
    const closed = engine.drain().flatMap((o) => (o._tag === "CandleClosed" ? [`${o.candle.interval}@${(o.candle.openTime - T0) / M}`] : []))
    expect(closed).toEqual(["1m@0", "1m@1", "1m@2", "1m@3", "1m@4", "5m@0", "1m@5", "1m@6"])
    // Binance's klines end at 10:01: the symbol has been halted since then.
    engine.setTrading("BTCUSDT", false, T0 + M)
    const retracted = engine.drain().flatMap((o) => (o._tag === "CandleRetracted" ? [`${o.interval}@${(o.openTime - T0) / M}`] : []))
    expect(retracted).toEqual(["1m@1", "1m@2", "1m@3", "1m@4", "1m@5", "1m@6"])
    // Its 5m window still holds 10:00's trade; the next one, all halted, is never emitted.
    engine.setTrading("BTCUSDT", true, T0 + 12 * M)
    engine.advance("BTCUSDT", T0 + 13 * M)
    const after = engine.drain().map((o) => (o._tag === "CandleClosed" ? `${o.candle.interval}@${(o.candle.openTime - T0) / M}` : o._tag))
    expect(after).toEqual(["1m@12"])
  })

  it("takes a halt and its end said together as one span: only its windows are retracted", () => {
    const engine = minuteEngine()
    engine.apply(trade(1, 10 * S, 100n))
    engine.advance("BTCUSDT", T0 + 6 * M) // 10:01 to 10:05 closed without trades
    engine.drain()
    // The klines of the quiet minutes: none for 10:02 and 10:03, a halt between two status checks.
    engine.setStatuses("BTCUSDT", [
      { trading: false, time: T0 + 2 * M },
      { trading: true, time: T0 + 4 * M },
      { trading: true, time: T0 + 6 * M }
    ])
    const outputs = engine.drain()
    expect(outputs.flatMap((o) => (o._tag === "CandleRetracted" ? [(o.openTime - T0) / M] : []))).toEqual([2, 3])
    expect(outputs.flatMap((o) => (o._tag === "CandleRevised" ? [brief(o.candle).at] : []))).toEqual([])
    engine.confirm("BTCUSDT", 1, T0 + 6 * M)
    expect(engine.drain().flatMap((o) => (o._tag === "CandleRevised" ? [brief(o.candle)] : []))).toEqual([
      { at: 0, o: 100n, h: 100n, l: 100n, c: 100n, n: 1, complete: true },
      { at: 1, o: 100n, h: 100n, l: 100n, c: 100n, n: 0, complete: true },
      { at: 4, o: 100n, h: 100n, l: 100n, c: 100n, n: 0, complete: true },
      { at: 5, o: 100n, h: 100n, l: 100n, c: 100n, n: 0, complete: true }
    ])
  })

  it("takes a confirmation behind the applied trades as proving nothing, and one ahead as trades lost on the way: a gap, filled like any other", () => {
    const engine = minuteEngine()
    engine.apply(trade(5, 10 * S, 100n))
    engine.advance("BTCUSDT", T0 + M)
    engine.drain()
    engine.confirm("BTCUSDT", 4, T0 + M) // a stale answer
    expect(engine.drain()).toEqual([])
    // The producer confirms only ids it sent, and they come in order: 6 and 7 were lost (a batch dead-lettered).
    engine.confirm("BTCUSDT", 7, T0 + M + 5 * S)
    const lost = engine.drain()
    expect(lost[0]).toEqual({
      _tag: "GapOpened",
      gap: { symbol: "BTCUSDT", fromId: 6, toId: 7, fromTime: T0 + 10 * S, toTime: T0 + M + 5 * S, openEnded: true }
    })
    expect(lost.slice(1).every((o) => o._tag === "CandleRevised" && !o.candle.complete)).toBe(true)
    expect(engine.gaps()).toHaveLength(1)
    engine.apply(trade(6, 20 * S, 101n))
    engine.apply(trade(7, M + 2 * S, 102n))
    const filled = engine.drain()
    expect(filled.filter((o) => o._tag === "GapClosed")).toHaveLength(1)
    expect(filled.flatMap((o) => (o._tag === "CandleRevised" ? [o.candle.trades] : []))).toContain(2)
    engine.confirm("BTCUSDT", 7, T0 + 2 * M)
    engine.advance("BTCUSDT", T0 + 2 * M)
    expect(engine.gaps()).toEqual([])
    expect(
      engine
        .drain()
        .flatMap((o) => (o._tag === "CandleClosed" || o._tag === "CandleRevised" ? [[o.candle.openTime - T0, o.candle.trades, o.candle.complete]] : []))
    ).toContainEqual([M, 1, true])
  })

  it("emits no window without trades while its symbol is not trading, nor a longer one of such windows", () => {
    const engine = new CandleEngine({ intervals: ["1m", "5m"], graceMillis: 0 })
    engine.apply(trade(1, 4 * M + 10 * S, 100n))
    engine.setTrading("BTCUSDT", false, T0 + 5 * M) // a halt from 10:05 to 10:12
    engine.advance("BTCUSDT", T0 + 12 * M)
    engine.setTrading("BTCUSDT", true, T0 + 12 * M)
    engine.apply(trade(2, 12 * M + 5 * S, 103n)) // trading again
    engine.advance("BTCUSDT", T0 + 16 * M)
    const closed = engine.drain().flatMap((o) => (o._tag === "CandleClosed" ? [`${o.candle.interval}@${(o.candle.openTime - T0) / M}:${o.candle.trades}`] : []))
    expect(closed).toEqual(["1m@4:1", "5m@0:1", "1m@12:1", "1m@13:0", "1m@14:0", "5m@10:1", "1m@15:0"])
    expect(engine.snapshot().symbols[0]?.haltedSince).toBe(-1)
  })

  it("keeps the windows before the exchange's word of a halt, so trades filled into them later have somewhere to go", () => {
    const engine = minuteEngine()
    engine.apply(trade(1, 50 * S, 100n)) // then the stream goes silent
    engine.setTrading("BTCUSDT", false, T0 + M + 55 * S) // the check finds the halt at 10:01:55
    engine.advance("BTCUSDT", T0 + 3 * M)
    expect(engine.drain().flatMap((o) => (o._tag === "CandleClosed" ? [brief(o.candle).at] : []))).toEqual([0, 1])
    engine.apply(trade(2, M + 20 * S, 104n)) // made at 10:01:20, before the halt, filled from REST
    expect(engine.drain().map((o) => o._tag === "CandleRevised" && brief(o.candle))).toEqual([
      { at: 0, o: 100n, h: 100n, l: 100n, c: 100n, n: 1, complete: true }, // proven by the later trade
      { at: 1, o: 104n, h: 104n, l: 104n, c: 104n, n: 1, complete: false }
    ])
    expect(engine.counters.unplaceable).toBe(0)
  })

  it("takes open and close by trade id, whatever order the trades come in", () => {
    const engine = minuteEngine()
    engine.apply(trade(1, 1 * S, 100n))
    engine.apply(trade(3, 3 * S, 103n)) // 2 is missing for now
    engine.apply(trade(2, 2 * S, 90n))
    engine.apply(trade(4, M + S, 100n))
    engine.flush()
    const [closed] = engine.drain().filter((o) => o._tag === "CandleClosed")
    expect(closed?._tag === "CandleClosed" && brief(closed.candle)).toEqual({ at: 0, o: 100n, h: 103n, l: 90n, c: 103n, n: 3, complete: true })
  })

  it("marks windows in a gap incomplete, then revises them, and the empty ones after, when it is filled", () => {
    const engine = minuteEngine()
    engine.apply(trade(1, 10 * S, 100n))
    engine.apply(trade(4, 2 * M + 30 * S, 110n)) // 2 and 3 missing
    engine.confirm("BTCUSDT", 4, T0 + 3 * M)
    engine.setTrading("BTCUSDT", true, T0 + 3 * M)
    engine.advance("BTCUSDT", T0 + 3 * M)
    const first = engine.drain()
    expect(first.map((o) => (o._tag === "GapOpened" ? `gap ${o.gap.fromId}-${o.gap.toId}` : o._tag === "CandleClosed" ? brief(o.candle) : o._tag))).toEqual([
      "gap 2-3",
      { at: 0, o: 100n, h: 100n, l: 100n, c: 100n, n: 1, complete: false },
      { at: 1, o: 100n, h: 100n, l: 100n, c: 100n, n: 0, complete: false },
      { at: 2, o: 110n, h: 110n, l: 110n, c: 110n, n: 1, complete: false }
    ])

    engine.apply(trade(2, 50 * S, 95n))
    const partly = engine.drain()
    expect(partly.map((o) => o._tag === "CandleRevised" && brief(o.candle))).toEqual([
      { at: 0, o: 100n, h: 100n, l: 95n, c: 95n, n: 2, complete: false },
      { at: 1, o: 95n, h: 95n, l: 95n, c: 95n, n: 0, complete: false }
    ])

    engine.apply(trade(3, 55 * S, 97n))
    const filled = engine.drain()
    expect(filled[0]).toMatchObject({ _tag: "GapClosed", gap: { fromId: 3, toId: 3 } })
    expect(filled.slice(1).map((o) => o._tag === "CandleRevised" && brief(o.candle))).toEqual([
      { at: 0, o: 100n, h: 100n, l: 95n, c: 97n, n: 3, complete: true },
      { at: 1, o: 97n, h: 97n, l: 97n, c: 97n, n: 0, complete: true },
      { at: 2, o: 110n, h: 110n, l: 110n, c: 110n, n: 1, complete: true }
    ])
    expect(engine.gaps()).toEqual([])
  })

  it("revises a window it had closed as complete when a gap found later reaches back into it", () => {
    const engine = minuteEngine()
    engine.apply(trade(1, 50 * S, 100n))
    engine.confirm("BTCUSDT", 1, T0 + M)
    engine.advance("BTCUSDT", T0 + M) // heartbeat: window 0 closes, confirmed complete as far as anyone knows
    expect(engine.drain().map((o) => o._tag === "CandleClosed" && o.candle.complete)).toEqual([true])
    engine.apply(trade(3, M + 5 * S, 101n))
    const outputs = engine.drain()
    expect(outputs.map((o) => o._tag)).toEqual(["GapOpened", "CandleRevised"])
    expect(outputs[1]?._tag === "CandleRevised" && brief(outputs[1].candle)).toEqual({ at: 0, o: 100n, h: 100n, l: 100n, c: 100n, n: 1, complete: false })
  })

  it("after a cold start, holds the first windows incomplete until the exchange says where they begin, then fills and seeds them", () => {
    const engine = new CandleEngine({ intervals: ["1m", "5m"], graceMillis: 0, awaitsOpening: true })
    engine.apply(trade(50, 7 * M + 30 * S, 100n)) // the stream's first trade, at 10:07:30
    engine.confirm("BTCUSDT", 50, T0 + 8 * M)
    engine.setTrading("BTCUSDT", true, T0 + 8 * M)
    engine.advance("BTCUSDT", T0 + 8 * M)
    expect(engine.drain().flatMap((o) => (o._tag === "CandleClosed" ? [brief(o.candle)] : []))).toEqual([
      { at: 7, o: 100n, h: 100n, l: 100n, c: 100n, n: 1, complete: false } // trades 45..49 of 10:07 were made before it
    ])
    // The exchange: 10:07's first trade is 45; its klines of 10:05 and 10:06 hold trades 30..44.
    const seed = {
      interval: "5m" as const,
      openTime: T0 + 5 * M,
      minutes: 2,
      trades: 15,
      open: 90n,
      high: 99n,
      low: 88n,
      close: 95n,
      volume: 15n,
      quoteVolume: 1_400n,
      takerBuyBaseVolume: 5n,
      takerBuyQuoteVolume: 470n
    }
    engine.open("BTCUSDT", { beforeId: 50, firstId: 45, seeds: [seed] })
    expect(engine.drain()).toEqual([{ _tag: "GapOpened", gap: { symbol: "BTCUSDT", fromId: 45, toId: 49, fromTime: T0 + 7 * M, toTime: T0 + 7 * M + 30 * S } }])
    for (let id = 45; id < 50; id++) engine.apply(trade(id, 7 * M + (id - 44) * S, 98n)) // filled from REST
    expect(engine.drain().flatMap((o) => (o._tag === "CandleRevised" ? [brief(o.candle)] : []))).toEqual([
      { at: 7, o: 98n, h: 100n, l: 98n, c: 100n, n: 6, complete: true }
    ])
    engine.apply(trade(51, 10 * M + S, 101n))
    engine.confirm("BTCUSDT", 51, T0 + 11 * M)
    engine.setTrading("BTCUSDT", true, T0 + 11 * M)
    const fiveMinutes = engine
      .drain()
      .flatMap((o) => (o._tag !== "GapClosed" && o._tag !== "GapOpened" && o._tag !== "CandleRetracted" && o.candle.interval === "5m" ? [o.candle] : []))
    expect(fiveMinutes.at(-1)).toMatchObject({
      openTime: T0 + 5 * M,
      open: 90n,
      high: 100n,
      low: 88n,
      close: 100n,
      trades: 21,
      firstTradeId: 30,
      lastTradeId: 50,
      complete: true
    })
  })

  it("takes the exchange's opening said in the same part as the first trade, before it", () => {
    const engine = new CandleEngine({ intervals: ["1m"], graceMillis: 0, awaitsOpening: true })
    engine.open("BTCUSDT", { beforeId: 50, firstId: 48, seeds: [] })
    engine.apply(trade(50, 30 * S, 100n))
    engine.apply(trade(48, 10 * S, 99n))
    engine.apply(trade(49, 20 * S, 99n))
    engine.confirm("BTCUSDT", 50, T0 + M)
    engine.advance("BTCUSDT", T0 + M)
    const closed = engine.drain().flatMap((o) => (o._tag === "CandleClosed" ? [brief(o.candle)] : []))
    expect(closed).toEqual([{ at: 0, o: 99n, h: 100n, l: 99n, c: 100n, n: 3, complete: true }])
  })

  it("ignores an opening for another start (a producer started again before the first was taken)", () => {
    const engine = new CandleEngine({ intervals: ["1m"], graceMillis: 0, awaitsOpening: true })
    engine.apply(trade(50, 30 * S, 100n))
    engine.open("BTCUSDT", { beforeId: 57, firstId: 49, seeds: [] })
    engine.confirm("BTCUSDT", 50, T0 + M)
    engine.advance("BTCUSDT", T0 + M)
    expect(engine.drain().map((o) => (o._tag === "CandleClosed" ? brief(o.candle).complete : o._tag))).toEqual([false])
    expect(engine.snapshot().symbols[0]?.unknownStart?.beforeId).toBe(50)
  })

  it("lets go of a long halt's windows an hour behind: the saved state does not grow while it lasts", () => {
    const engine = minuteEngine()
    engine.apply(trade(1, 10 * S, 100n))
    engine.setTrading("BTCUSDT", false, T0 + M)
    engine.advance("BTCUSDT", T0 + 3 * 24 * 60 * M) // three days of heartbeats in a halt
    expect(engine.drain().filter((o) => o._tag === "CandleClosed")).toHaveLength(1)
    const saved = engine.snapshot().symbols[0]
    expect(saved?.minute.closed.length).toBeLessThanOrEqual(62)
    expect(saved?.rollups.every((r) => r.closed.length <= 62)).toBe(true)
  })

  it("without an opening to wait for (a file, the archive), takes the first trade as the first", () => {
    const engine = minuteEngine()
    engine.apply(trade(50, 30 * S, 100n))
    engine.confirm("BTCUSDT", 50, T0 + M)
    engine.advance("BTCUSDT", T0 + M)
    expect(engine.drain().flatMap((o) => (o._tag === "CandleClosed" ? [brief(o.candle).complete] : []))).toEqual([true])
  })

  it("counts aggregate trades by the ids they stand for", () => {
    const engine = minuteEngine()
    engine.apply({ ...trade(10, S, 100n), lastId: 14 })
    engine.apply({ ...trade(15, 2 * S, 100n), lastId: 15 })
    engine.apply({ ...trade(12, 2 * S, 100n), lastId: 13 }) // inside an applied aggregate
    engine.flush()
    const [closed] = engine.drain()
    expect(closed?._tag === "CandleClosed" && closed.candle.trades).toBe(6)
    expect(engine.counters).toMatchObject({ applied: 2, duplicates: 1 })
  })

  it("sums exactly: quote volume keeps all 16 places of price × quantity", () => {
    const engine = minuteEngine()
    engine.apply(trade(1, S, 141_342n, 12_345_678n)) // 0.00141342 × 0.12345678
    engine.apply(trade(2, S, 141_266n, 1n, true)) // 0.00141266 × 0.00000001, buyer was maker
    engine.flush()
    const [closed] = engine.drain()
    expect(closed?._tag === "CandleClosed" && closed.candle).toMatchObject({
      volume: 12_345_679n,
      quoteVolume: 141_342n * 12_345_678n + 141_266n,
      takerBuyBaseVolume: 12_345_678n,
      takerBuyQuoteVolume: 141_342n * 12_345_678n
    })
  })
})
