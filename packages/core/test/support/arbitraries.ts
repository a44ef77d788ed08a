/** fast-check generators for trades as Binance produces them: ids consecutive per symbol. */
import fc from "fast-check"
import type { Trade } from "../../src/trade/Trade.ts"

const START = Date.UTC(2024, 7, 8, 23, 50)

/** One symbol's trades: consecutive ids, times that never go back, pauses long enough for empty windows. */
export const symbolTrades = (symbol: string, firstId: number) =>
  fc
    .array(
      fc.record({
        pause: fc.oneof(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 400_000 })),
        price: fc.bigInt({ min: 1n, max: 10_000_000_000_000n }),
        qty: fc.bigInt({ min: 1n, max: 100_000_000_000n }),
        buyerIsMaker: fc.boolean()
      }),
      { minLength: 1, maxLength: 120 }
    )
    .map((rows) => {
      let time = START
      return rows.map((r, i): Trade => {
        time += r.pause
        return { symbol, firstId: firstId + i, lastId: firstId + i, price: r.price, qty: r.qty, time, buyerIsMaker: r.buyerIsMaker }
      })
    })

/** Trades of up to three symbols, each symbol's in id order. */
export const market = fc
  .tuple(symbolTrades("BTCUSDT", 3_735_683_259), symbolTrades("ETHUSDT", 1_520_538_925), symbolTrades("XRPETH", 15_373_518))
  .map(([a, b, c]) => [a, b, c])

/** Interleaves per-symbol sequences, keeping each one's order, as a shuffled stream would. */
export const interleaving = (sequences: ReadonlyArray<ReadonlyArray<Trade>>) =>
  fc.array(fc.nat(), { minLength: sequences.reduce((n, s) => n + s.length, 0), maxLength: sequences.reduce((n, s) => n + s.length, 0) }).map((picks) => {
    const cursors = sequences.map(() => 0)
    const out: Array<Trade> = []
    for (const pick of picks) {
      const live = sequences.map((_, i) => i).filter((i) => cursors[i]! < sequences[i]!.length)
      const i = live[pick % live.length]!
      out.push(sequences[i]![cursors[i]!++]!)
    }
    return out
  })

/** Cut points that split a list into batches. */
export const splits = (length: number) => fc.uniqueArray(fc.integer({ min: 0, max: length }), { maxLength: 20 }).map((cuts) => [...cuts].sort((a, b) => a - b))
