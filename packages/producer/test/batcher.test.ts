/** Batching: about one message per shard per interval, never over the size limit, heartbeats for quiet symbols. */
import fc from "fast-check"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import type { Trade } from "@blockchaincore/core/trade/Trade"
import { shardOf, TradeBatchFromJson, tradesOf, type TradeBatch } from "@blockchaincore/core/trade/TradeBatch"
import { Batcher } from "../src/batching/Batcher.ts"
import { trade as tradeOf } from "@blockchaincore/testkit/builders"

const T0 = 1_723_161_255_000
const trade = (symbol: string, id: number, time: number, price = 6_183_763_000_000n): Trade =>
  tradeOf(id, time, { symbol, price, qty: 2_000_000n, buyerIsMaker: id % 2 === 0 })
const size = (b: TradeBatch) => Buffer.byteLength(Schema.encodeSync(TradeBatchFromJson)(b))

describe("Batcher", () => {
  it("sends one batch per shard per interval however many trades come in it", () => {
    const symbols = ["BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT", "ADAUSDT"]
    const batcher = new Batcher(symbols, { shards: 3, maxAgeMillis: 1_000, maxBytes: 200_000, closeAfterMillis: 100 }, 1)
    let sent: Array<TradeBatch> = []
    for (let ms = 0; ms < 10_000; ms += 10) {
      for (const [i, s] of symbols.entries()) batcher.add(trade(s, ms * 10 + i, T0 + ms), ms)
      sent = sent.concat(batcher.takeDue(ms))
    }
    const shardsUsed = new Set(symbols.map((s) => shardOf(s, 3))).size
    expect(sent.length).toBeGreaterThanOrEqual(9 * shardsUsed)
    expect(sent.length).toBeLessThanOrEqual(10 * shardsUsed)
    const count = (batches: Array<TradeBatch>) => batches.reduce((n, b) => n + b.symbols.reduce((m, s) => m + s.trades.length, 0), 0)
    expect(count(sent) + count(batcher.takeAll())).toBe(1000 * symbols.length)
  })

  it("never builds a batch over the size limit, and loses and reorders no trade, whether batches are taken after every trade or once after a flood", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.bigInt({ min: 1n, max: 1000n }), fc.bigInt({ min: 1n, max: 10n ** 25n })), { minLength: 1, maxLength: 3_000, size: "max" }),
        fc.integer({ min: 2_000, max: 30_000 }),
        fc.boolean(),
        (prices, maxBytes, takeEach) => {
          const batcher = new Batcher(["BTCUSDT", "ETHUSDT"], { shards: 1, maxAgeMillis: 1_000, maxBytes, closeAfterMillis: 100 }, 1)
          const out: Array<TradeBatch> = []
          prices.forEach((p, i) => {
            batcher.add(trade(i % 3 === 0 ? "ETHUSDT" : "BTCUSDT", i, T0 + i, p), 0)
            if (takeEach) out.push(...batcher.takeDue(0))
          })
          out.push(...batcher.takeDue(0))
          out.push(...batcher.takeAll())
          for (const b of out) expect(size(b)).toBeLessThanOrEqual(maxBytes)
          const ids = out.flatMap((b) => b.symbols.flatMap(tradesOf)).map((t) => t.firstId)
          expect([...ids].sort((a, b) => a - b)).toEqual(prices.map((_, i) => i))
          for (const b of out) for (const part of b.symbols) for (const [, , , time] of part.trades) expect(part.watermark).toBeGreaterThanOrEqual(time)
        }
      ),
      { numRuns: 60 }
    )
  })

  it("sends a symbol's trades in id order however they arrived (a gap filled after later trades)", () => {
    fc.assert(
      fc.property(fc.shuffledSubarray([...Array(400).keys()], { minLength: 400 }), (ids) => {
        const batcher = new Batcher(["BTCUSDT"], { shards: 1, maxAgeMillis: 1_000, maxBytes: 5_000, closeAfterMillis: 100 }, 1)
        for (const id of ids) batcher.add(trade("BTCUSDT", id, T0), 0)
        const out = [...batcher.takeDue(0), ...batcher.takeAll()]
        // The schema refuses a batch whose trades are not ascending by id.
        for (const b of out) expect(Schema.decodeUnknownSync(TradeBatchFromJson)(Schema.encodeSync(TradeBatchFromJson)(b))).toEqual(b)
        expect(
          out
            .flatMap((b) => b.symbols.flatMap(tradesOf))
            .map((t) => t.firstId)
            .sort((a, b) => a - b)
        ).toEqual([...Array(400).keys()])
      }),
      { numRuns: 30 }
    )
  })

  it("sends heartbeats that move a quiet symbol's watermark with the stream's time", () => {
    const batcher = new Batcher(["BTCUSDT", "QUIETUSDT"], { shards: 1, maxAgeMillis: 1_000, maxBytes: 200_000, closeAfterMillis: 100 }, 1)
    batcher.add(trade("BTCUSDT", 1, T0), 0)
    const [first] = batcher.takeDue(1_000)
    expect(first!.symbols.find((s) => s.symbol === "QUIETUSDT")).toEqual({ symbol: "QUIETUSDT", watermark: T0, trades: [] })
    expect(batcher.takeDue(1_500)).toEqual([])
    // Nothing new anywhere: no heartbeat either, since no watermark moved.
    expect(batcher.takeDue(2_500)).toEqual([])
    batcher.add(trade("BTCUSDT", 2, T0 + 5_000), 3_000)
    const [second] = batcher.takeDue(4_000)
    expect(second!.symbols.map((s) => [s.symbol, s.watermark])).toEqual([
      ["BTCUSDT", T0 + 5_000],
      ["QUIETUSDT", T0 + 5_000]
    ])
  })

  it("sends every shard at once when the stream passes a minute boundary plus the grace", () => {
    const M0 = Date.UTC(2024, 7, 9, 0, 0)
    const batcher = new Batcher(["BTCUSDT", "ETHUSDT"], { shards: 2, maxAgeMillis: 1_000, maxBytes: 200_000, closeAfterMillis: 100 }, 1)
    batcher.add(trade("BTCUSDT", 1, M0 - 500), 0)
    batcher.add(trade("ETHUSDT", 1, M0 - 400), 0)
    batcher.add(trade("BTCUSDT", 2, M0 + 50), 10)
    expect(batcher.takeDue(20)).toEqual([]) // past the boundary, not past the grace: wait
    batcher.add(trade("BTCUSDT", 3, M0 + 120), 30)
    const batches = batcher.takeDue(40) // young batches, but they close the minute
    expect(batches.flatMap((b) => b.symbols.map((s) => [s.symbol, s.watermark]))).toEqual(
      expect.arrayContaining([
        ["BTCUSDT", M0 + 120],
        ["ETHUSDT", M0 + 120]
      ])
    )
    batcher.add(trade("BTCUSDT", 4, M0 + 200), 50)
    expect(batcher.takeDue(60)).toEqual([]) // once per minute
  })
})
