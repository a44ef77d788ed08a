/**
 * `TradeBatch`, the trades queue's message. One batch carries the trades of several symbols of
 * one shard, because on AWS the bill follows messages, not trades; a batch without trades is a
 * heartbeat that moves quiet symbols' watermarks so their windows still close.
 */
import { Schema } from "effect"
import { formatUnits, PRICE_SCALE, Units8 } from "../decimal/Decimal.ts"
import { TraceParent } from "../tracing/TraceParent.ts"
import { Opening } from "../candle/Opening.ts"
import { EpochMillis, SymbolName, TradeId, type Trade } from "./Trade.ts"

/** One trade, compact: `[id, price, qty, time, buyerIsMaker]`. */
export const CompactTrade = Schema.Tuple([TradeId, Units8, Units8, EpochMillis, Schema.Boolean])
export type CompactTrade = typeof CompactTrade.Type

/**
 * The exchange's last trade id for a symbol when the stream stood at `time` (the completeness
 * check): with nothing beyond `lastId` made by then, the symbol's windows ending before it are final.
 */
export const Confirmation = Schema.Struct({ lastId: TradeId, time: EpochMillis })

/**
 * What the exchange said of a symbol's trading, dated by the exchange: trading at `time` (every
 * check says so: the proof that windows without trades up to then are klines), or halted since
 * `time` (the end of its last kline). While it is not trading (a halt, maintenance) its windows
 * without trades are not candles.
 */
export const TradingStatus = Schema.Struct({ trading: Schema.Boolean, time: EpochMillis })

/** One symbol's part of a batch. */
export const SymbolTrades = Schema.Struct({
  symbol: SymbolName,
  /** The highest event time the producer had seen for the symbol when it sent the batch. */
  watermark: EpochMillis,
  /** Ascending by id. */
  trades: Schema.Array(CompactTrade),
  confirmed: Schema.optionalKey(Confirmation),
  /** The exchange's words on the symbol's trading since the last part, in the order said. */
  statuses: Schema.optionalKey(Schema.Array(TradingStatus)),
  /** After a cold start, where the exchange's trades of the first window begin (taken before the part's trades). */
  opening: Schema.optionalKey(Opening)
}).check(
  Schema.makeFilter((s) => {
    for (let i = 1; i < s.trades.length; i++) {
      if (s.trades[i]![0] <= s.trades[i - 1]![0]) return `trades of ${s.symbol} are not in ascending id order at index ${i}`
    }
    return true
  })
)
export type SymbolTrades = typeof SymbolTrades.Type

export const TradeBatch = Schema.Struct({
  /** The shard of symbols (and SQS FIFO message group) this batch belongs to. */
  shard: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  /** Counts the producer's (re)connections, so a consumer can tell a reconnect from a gap. */
  epoch: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  symbols: Schema.Array(SymbolTrades).check(Schema.isMinLength(1)),
  /**
   * The batch's trace, when it is sampled. Not part of a message's body: each queue carries it
   * beside the body (a column, an SQS message attribute), so an untraced batch's bytes are the same.
   */
  traceparent: Schema.optionalKey(TraceParent)
})
export type TradeBatch = typeof TradeBatch.Type

export const TradeBatchFromJson = Schema.fromJsonString(TradeBatch)

/**
 * A batch's JSON, exactly what `TradeBatchFromJson` encodes (a test holds them equal), written
 * directly: batches are encoded once per publish, and the schema's generic encoder costs more
 * than the rest of publishing.
 */
export const encodeTradeBatchJson = (batch: TradeBatch): string =>
  JSON.stringify({
    shard: batch.shard,
    epoch: batch.epoch,
    symbols: batch.symbols.map((s) => ({
      symbol: s.symbol,
      watermark: s.watermark,
      trades: s.trades.map(([id, price, qty, time, m]) => [id, formatUnits(price, PRICE_SCALE, 8), formatUnits(qty, PRICE_SCALE, 8), time, m]),
      ...exchangeWordOf(s)
    }))
  })

/** A part's confirmation and status, where it has them, as plain JSON fields. */
export const exchangeWordOf = (part: Pick<SymbolTrades, "confirmed" | "statuses" | "opening">) => ({
  ...(part.confirmed === undefined ? {} : { confirmed: { lastId: part.confirmed.lastId, time: part.confirmed.time } }),
  ...(part.statuses === undefined ? {} : { statuses: part.statuses.map((s) => ({ trading: s.trading, time: s.time })) }),
  ...(part.opening === undefined ? {} : { opening: encodeOpening(part.opening) })
})

const encodeOpening = Schema.encodeSync(Opening)

export const tradesOf = (part: SymbolTrades): Array<Trade> =>
  part.trades.map(([id, price, qty, time, buyerIsMaker]) => ({ symbol: part.symbol, firstId: id, lastId: id, price, qty, time, buyerIsMaker }))

/** The shard of a symbol: a stable hash, the same in every process and every release. */
export const shardOf = (symbol: string, shards: number): number => fnv1a32(symbol, 0x811c9dc5) % shards

/** FNV-1a over UTF-16 code units, from `seed`. Not cryptographic: a stable spread of keys. */
const fnv1a32 = (text: string, seed: number): number => {
  let h = seed >>> 0
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h >>> 0
}
