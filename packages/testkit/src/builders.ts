/**
 * Trades and candles for tests: `trade` a plain one whose every field a test may set; `tradeAt`,
 * `candleAt` and `snapshotOf` with awkward exact decimals (more digits than a float holds).
 */
import type { Candle } from "@blockchaincore/core/candle/Candle"
import { CandleEngine } from "@blockchaincore/core/candle/CandleEngine"
import type { SymbolSnapshot } from "@blockchaincore/core/candle/EngineSnapshot"
import { parseUnits, PRICE_SCALE, QUOTE_SCALE } from "@blockchaincore/core/decimal/Decimal"
import type { ArchivedTrade } from "@blockchaincore/core/ports/TradeArchive"
import type { Trade } from "@blockchaincore/core/trade/Trade"

const units = (s: string, scale: number): bigint => {
  const u = parseUnits(s, 0, s.length, scale)
  if (u === undefined) throw new Error(`not a decimal: ${s}`)
  return u
}
const p = (s: string) => units(s, PRICE_SCALE)
const q = (s: string) => units(s, QUOTE_SCALE)

/** One trade of id `id` at `time`: BTCUSDT, 60,000 × 1, the seller the maker, unless `fields` say otherwise. */
export const trade = (id: number, time: number, fields: Partial<Omit<Trade, "firstId" | "lastId" | "time">> = {}): Trade => ({
  symbol: "BTCUSDT",
  firstId: id,
  lastId: id,
  price: 6_000_000_000_000n,
  qty: 100_000_000n,
  time,
  buyerIsMaker: false,
  ...fields
})

export const candleAt = (symbol: string, openTime: number, close = "61234.56789012"): Candle => ({
  symbol,
  interval: "1m",
  openTime,
  open: p("61234.00000001"),
  high: p("98765432109.87654321"),
  low: p("0.00000001"),
  close: p(close),
  volume: p("12345678901.23456789"),
  closeTime: openTime + 59_999,
  quoteVolume: q("755999999999999.1234567890123456"),
  trades: 42,
  takerBuyBaseVolume: p("1.00000001"),
  takerBuyQuoteVolume: q("61234.0000000061234001"),
  ignore: "0",
  firstTradeId: openTime / 1000,
  lastTradeId: openTime / 1000 + 41,
  complete: true
})

export const tradeAt = (symbol: string, id: number, time: number): ArchivedTrade => ({
  symbol,
  firstId: id,
  lastId: id,
  price: p(`${60000 + (id % 1000)}.${String(id % 99999999).padStart(8, "0")}`),
  qty: p(`0.${String((id * 7919) % 99999999).padStart(8, "0")}`),
  time,
  buyerIsMaker: id % 2 === 0,
  large: id % 97 === 0
})

/** A real engine state: the engine's own snapshot after a few trades. */
export const snapshotOf = (symbol: string, trades: number, time: number): SymbolSnapshot => {
  const engine = new CandleEngine({ intervals: ["1m", "5m"], graceMillis: 0 })
  for (let i = 0; i < trades; i++) engine.apply(tradeAt(symbol, i + 1, time + i * 1000))
  const state = engine.snapshot().symbols.find((s) => s.symbol === symbol)
  if (state === undefined) throw new Error(`no state for ${symbol}`)
  return state
}

/** A real engine state holding an open gap: trades 1, 2 and 5 applied, 3 and 4 missing. */
export const snapshotWithGap = (symbol: string, time: number): SymbolSnapshot => {
  const engine = new CandleEngine({ intervals: ["1m"], graceMillis: 0 })
  for (const id of [1, 2, 5]) engine.apply(tradeAt(symbol, id, time + id * 1000))
  engine.drain()
  const state = engine.snapshot().symbols.find((s) => s.symbol === symbol)
  if (state === undefined || state.gaps.length !== 1) throw new Error(`no gap in the state of ${symbol}`)
  return state
}
