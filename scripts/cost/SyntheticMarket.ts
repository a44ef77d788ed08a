/**
 * A deterministic synthetic market for the cost run: `rate` trades a second for each symbol,
 * prices walking around a level with Binance-like tick and lot sizes, quantities with up to
 * eight decimals. What matters for cost is the count and the size of messages, so trades are
 * spread evenly with a little jitter; the walk keeps candles ordinary (no anomalies to speak of).
 */
import type { Trade } from "@blockchaincore/core/trade/Trade"

/** A small seeded PRNG (mulberry32): the same run gives the same figures. */
const random = (seed: number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export const SYMBOLS = [
  "BTCUSDT",
  "ETHUSDT",
  "BNBUSDT",
  "SOLUSDT",
  "XRPUSDT",
  "DOGEUSDT",
  "ADAUSDT",
  "TRXUSDT",
  "LINKUSDT",
  "AVAXUSDT",
  "DOTUSDT",
  "LTCUSDT",
  "BCHUSDT",
  "NEARUSDT",
  "UNIUSDT",
  "ATOMUSDT",
  "ETCUSDT",
  "FILUSDT",
  "APTUSDT",
  "ARBUSDT"
]

export const symbolsFor = (count: number): ReadonlyArray<string> => Array.from({ length: count }, (_, i) => SYMBOLS[i] ?? `SYM${i}USDT`)

/** Trades of all symbols in time order, from `start` for `minutes`. */
export function* syntheticTrades(symbols: ReadonlyArray<string>, rate: number, start: number, minutes: number): Generator<Trade> {
  const next = random(20240808)
  const perSymbol = symbols.map((symbol, i) => ({ symbol, id: 1_000_000 * (i + 1), price: 100_000_000n * BigInt(50 + i * 37) }))
  const stepMillis = 1000 / rate
  const end = start + minutes * 60_000
  for (let slot = 0; start + slot * stepMillis < end; slot++) {
    for (const s of perSymbol) {
      const time = Math.floor(start + slot * stepMillis + next() * stepMillis * 0.9)
      s.price += BigInt(Math.round((next() - 0.5) * 20)) * 1_000_000n
      if (s.price < 1_000_000n) s.price = 1_000_000n
      const qty = BigInt(Math.floor(next() ** 3 * 200_000_000)) + 1_000n
      yield { symbol: s.symbol, firstId: s.id, lastId: s.id, price: s.price, qty, time, buyerIsMaker: next() < 0.5 }
      s.id++
    }
  }
}
