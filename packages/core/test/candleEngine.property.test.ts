/**
 * Properties that make the candles trustworthy whatever the transport does to the trades:
 * batching, repetition, interleaving, restarts and gaps change nothing in the final numbers.
 */
import fc from "fast-check"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { CandleAccumulator } from "../src/candle/CandleAccumulator.ts"
import type { Candle } from "../src/candle/Candle.ts"
import { CandleEngine, type EngineOutput } from "../src/candle/CandleEngine.ts"
import { EngineSnapshotFromJson } from "../src/candle/EngineSnapshot.ts"
import { intervalMillis, windowOpen } from "../src/candle/Interval.ts"
import { interleaving, market, splits } from "./support/arbitraries.ts"
import { ALL_INTERVALS, closedOnly, finalCandles, runBatches } from "./support/engineRuns.ts"

const RUNS = { numRuns: 150 }

describe("the candle engine, for any trades", () => {
  it("gives the same candles for any split into batches and any interleaving of symbols", () => {
    fc.assert(
      fc.property(
        market.chain((seqs) => fc.tuple(fc.constant(seqs), interleaving(seqs), interleaving(seqs))),
        fc.context(),
        ([seqs, a, b], ctx) => {
          const reference = closedOnly(runBatches(seqs.flat()))
          return (
            fc.assert(
              fc.property(splits(a.length), (cuts) => {
                ctx.log(`cuts ${cuts.join(",")}`)
                expect(closedOnly(runBatches(a, cuts))).toEqual(reference)
                expect(closedOnly(runBatches(b))).toEqual(reference)
              }),
              { numRuns: 3 }
            ) ?? true
          )
        }
      ),
      RUNS
    )
  })

  it("ignores duplicates and redeliveries: outputs are exactly those of the clean stream", () => {
    fc.assert(
      fc.property(market, fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 40 }), (seqs, repeats) => {
        const clean = seqs.flat()
        const noisy = [...clean]
        // Re-insert earlier trades later in the stream, as a redelivered batch would.
        for (const [from, to] of repeats) {
          const trade = clean[from % clean.length]!
          const after = noisy.indexOf(trade) + 1
          noisy.splice(after + (to % (noisy.length - after + 1)), 0, trade)
        }
        const engine = new CandleEngine(ALL_INTERVALS)
        const outputs: Array<EngineOutput> = []
        for (const t of noisy) engine.apply(t)
        engine.flush()
        outputs.push(...engine.drain())
        // Repeats change which symbol reaches a window first, so compare per window, not by position.
        expect(closedOnly(outputs)).toEqual(closedOnly(runBatches(clean)))
        expect(outputs.filter((o) => o._tag !== "CandleClosed")).toEqual([])
        expect(engine.counters.duplicates).toBe(noisy.length - clean.length)
      }),
      RUNS
    )
  })

  it("rolls 5m, 15m, 1h, 4h and 1d up from the 1m candles, empty windows included", () => {
    fc.assert(
      fc.property(market, (seqs) => {
        const candles = closedOnly(runBatches(seqs.flat()))
        for (const higher of candles.filter((c) => c.interval !== "1m")) {
          const minutes = candles.filter(
            (c) => c.interval === "1m" && c.symbol === higher.symbol && windowOpen(higher.interval, c.openTime) === higher.openTime
          )
          const rolled = new CandleAccumulator(higher.openTime)
          for (const m of minutes) rolled.merge(accumulatorOf(m))
          expect(summary(higher)).toEqual({
            ...summaryOfAccumulator(rolled),
            close: rolled.trades > 0 ? rolled.close : higher.close
          })
          if (rolled.trades === 0) expect(minutes.every((m) => m.close === higher.close)).toBe(true)
          expect(higher.closeTime).toBe(higher.openTime + intervalMillis[higher.interval] - 1)
        }
      }),
      RUNS
    )
  })

  it("continues identically from a restored snapshot, through JSON", () => {
    fc.assert(
      fc.property(
        market.chain((seqs) => fc.tuple(fc.constant(seqs.flat()), fc.nat())),
        ([trades, cut]) => {
          const at = cut % (trades.length + 1)
          const first = new CandleEngine(ALL_INTERVALS)
          const outputs: Array<EngineOutput> = []
          for (const t of trades.slice(0, at)) first.apply(t)
          outputs.push(...first.drain())
          const json = Schema.encodeSync(EngineSnapshotFromJson)(first.snapshot())
          const second = CandleEngine.restore(Schema.decodeUnknownSync(EngineSnapshotFromJson)(json))
          for (const t of trades) second.apply(t) // a restart redelivers what it had seen: no double count
          second.flush()
          outputs.push(...second.drain())
          expect(outputs).toEqual(runBatches(trades))
        }
      ),
      RUNS
    )
  })

  it("marks windows in a gap incomplete and revises them to the full numbers when it is filled", () => {
    fc.assert(
      fc.property(
        market.chain((seqs) => fc.tuple(fc.constant(seqs.flat()), fc.nat(), fc.nat(), fc.nat())),
        ([trades, a, b, c]) => {
          const btc = trades.filter((t) => t.symbol === "BTCUSDT")
          if (btc.length < 3) return
          // Hold back a run of BTCUSDT trades that has a trade on either side; deliver it late, backwards.
          const from = 1 + (a % (btc.length - 2))
          const to = from + (b % (btc.length - 1 - from))
          const held = btc.slice(from, to + 1)
          const rest = trades.filter((t) => !held.includes(t))
          const after = rest.indexOf(btc[to + 1]!) + 1
          const at = after + (c % (rest.length - after + 1))
          const outputs = runBatches([...rest.slice(0, at), ...held.reverse(), ...rest.slice(at)])

          const opened = outputs.findIndex((o) => o._tag === "GapOpened")
          const closed = outputs.findIndex((o) => o._tag === "GapClosed")
          expect(outputs.filter((o) => o._tag === "GapOpened")).toHaveLength(1)
          expect(outputs.filter((o) => o._tag === "GapClosed")).toHaveLength(1)
          expect(opened).toBeLessThan(closed)
          const gapFrom = btc[from - 1]!.time
          const gapTo = btc[to + 1]!.time
          for (const o of outputs.slice(opened, closed)) {
            if (o._tag !== "CandleClosed" || o.candle.symbol !== "BTCUSDT") continue
            const overlaps = o.candle.openTime <= gapTo && o.candle.closeTime >= gapFrom
            // Without trades, a window is a kline only once the exchange says the symbol was trading, which no one said here.
            expect(o.candle.complete).toBe(!overlaps && o.candle.trades > 0)
          }
          const final = finalCandles(outputs)
          // Final where a later trade of the symbol proves it; the windows of each symbol's last trade stay provisional,
          // and so do windows without trades, the exchange having said nothing of the symbol's trading.
          const lastTime = new Map(trades.map((t) => [t.symbol, t.time]))
          for (const c of final) expect(c.complete).toBe(c.closeTime < lastTime.get(c.symbol)! && c.trades > 0)
          expect(final).toEqual(finalCandles(runBatches(trades)))
        }
      ),
      RUNS
    )
  })
})

const summary = (c: Candle) => ({
  open: c.open,
  high: c.high,
  low: c.low,
  close: c.close,
  volume: c.volume,
  quoteVolume: c.quoteVolume,
  trades: c.trades,
  takerBuyBaseVolume: c.takerBuyBaseVolume,
  takerBuyQuoteVolume: c.takerBuyQuoteVolume,
  firstTradeId: c.firstTradeId,
  lastTradeId: c.lastTradeId
})

const summaryOfAccumulator = (a: CandleAccumulator) => ({
  open: a.trades > 0 ? a.open : expect.any(BigInt),
  high: a.trades > 0 ? a.high : expect.any(BigInt),
  low: a.trades > 0 ? a.low : expect.any(BigInt),
  close: a.close,
  volume: a.volume,
  quoteVolume: a.quoteVolume,
  trades: a.trades,
  takerBuyBaseVolume: a.takerBuyBaseVolume,
  takerBuyQuoteVolume: a.takerBuyQuoteVolume,
  firstTradeId: a.trades > 0 ? a.firstId : null,
  lastTradeId: a.trades > 0 ? a.lastId : null
})

const accumulatorOf = (c: Candle): CandleAccumulator =>
  Object.assign(new CandleAccumulator(c.openTime), {
    firstId: c.firstTradeId ?? -1,
    lastId: c.lastTradeId ?? -1,
    open: c.open,
    high: c.high,
    low: c.low,
    close: c.close,
    volume: c.volume,
    quoteVolume: c.quoteVolume,
    takerBuyBaseVolume: c.takerBuyBaseVolume,
    takerBuyQuoteVolume: c.takerBuyQuoteVolume,
    trades: c.trades
  })
