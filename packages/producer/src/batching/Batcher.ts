/**
 * Trades into `TradeBatch`es, one stream of batches per shard of symbols. A shard's batch goes
 * out when it is about a second old or near the size limit, so messages per second stay near
 * one per shard whatever the trade rate. A shard with no trades still sends a heartbeat every
 * interval, carrying the stream's time as its symbols' watermark, so quiet symbols' windows
 * close too.
 */
import { shardOf, type SymbolTrades, type TradeBatch } from "@blockchaincore/core/trade/TradeBatch"
import type { Trade } from "@blockchaincore/core/trade/Trade"

export interface BatcherOptions {
  readonly shards: number
  readonly maxAgeMillis: number
  /** Bytes of a batch's JSON; SQS takes at most 262,144 per message. */
  readonly maxBytes: number
  /**
   * When the stream's time passes a minute boundary by this much (the processor's grace), every
   * shard goes out at once instead of within `maxAgeMillis`: that batch closes the minute's
   * windows, and waiting would only delay every candle.
   */
  readonly closeAfterMillis: number
}

export const DEFAULT_BATCHER: BatcherOptions = { shards: 4, maxAgeMillis: 1_000, maxBytes: 200_000, closeAfterMillis: 50 }

/**
 * On SQS every message is paid for (at the queue, the pipe, both functions, and in the S3
 * object and state write each symbol's part of it costs): a shard waits until the stream passes
 * a minute's end (any symbol's trade past it flushes every shard), or until its batch is full.
 * Candles lose nothing by it. The age limit, two minutes, is only the heartbeat of a stream with
 * no trades at all; shorter, it would flush just before the minute's end and send each minute
 * twice. One shard per symbol, so each symbol's minute is one message of its own.
 */
export const sqsBatcher = (symbols: number): BatcherOptions => ({ ...DEFAULT_BATCHER, shards: Math.max(1, Math.min(symbols, 100)), maxAgeMillis: 120_000 })

/** A compact trade's JSON is at most this much beyond its decimals' digits: ids, time, punctuation. */
const TRADE_OVERHEAD = 56
/** The batch's own fields and one symbol's, generously. */
const SYMBOL_OVERHEAD = 80

class Shard {
  readonly trades = new Map<string, Array<Trade>>()
  bytes = SYMBOL_OVERHEAD
  since = -1
}

export class Batcher {
  readonly options: BatcherOptions
  private readonly shards: Array<Shard>
  private readonly shardBySymbol = new Map<string, number>()
  private readonly watermark = new Map<string, number>()
  private readonly sentWatermark = new Map<string, number>()
  private streamTime = -1
  /** The stream time at which every shard next goes out at once (a minute boundary plus the grace). */
  private nextClose = -1
  private closeDue = false
  private epoch: number

  constructor(symbols: ReadonlyArray<string>, options: BatcherOptions, epoch: number) {
    this.options = options
    this.epoch = epoch
    this.shards = Array.from({ length: options.shards }, () => new Shard())
    // The configured symbols spread evenly (in name order, so the same set always maps the same
    // way); with as many shards as symbols each symbol's minute is one message of its own.
    ;[...new Set(symbols)].sort().forEach((s, i) => this.shardBySymbol.set(s, i % options.shards))
  }

  /** A new connection epoch: later batches carry it. */
  setEpoch(epoch: number): void {
    this.epoch = epoch
  }

  add(trade: Trade, now: number): void {
    const index = this.shardBySymbol.get(trade.symbol) ?? shardOf(trade.symbol, this.options.shards)
    const shard = this.shards[index]!
    let list = shard.trades.get(trade.symbol)
    if (list === undefined) {
      list = []
      shard.trades.set(trade.symbol, list)
      shard.bytes += SYMBOL_OVERHEAD
    }
    list.push(trade)
    shard.bytes += TRADE_OVERHEAD + digits(trade.price) + digits(trade.qty)
    if (shard.since < 0) shard.since = now
    if (trade.time > (this.watermark.get(trade.symbol) ?? -1)) this.watermark.set(trade.symbol, trade.time)
    if (trade.time > this.streamTime) {
      this.streamTime = trade.time
      if (this.nextClose < 0) this.nextClose = trade.time - (trade.time % 60_000) + 60_000 + this.options.closeAfterMillis
      if (trade.time >= this.nextClose) {
        this.closeDue = true
        this.nextClose = trade.time - ((trade.time - this.options.closeAfterMillis) % 60_000) + 60_000
      }
    }
  }

  /** The batches due at `now`: shards past their age, or past the size at which they must go. */
  takeDue(now: number): Array<TradeBatch> {
    const out: Array<TradeBatch> = []
    const closing = this.closeDue
    this.closeDue = false
    this.shards.forEach((shard, index) => {
      const full = shard.bytes >= this.options.maxBytes
      const old = shard.since >= 0 ? now - shard.since >= this.options.maxAgeMillis : this.heartbeatDue(index, now)
      if (closing || full || old) {
        out.push(...this.take(index))
        // A shard just sent owes no heartbeat until a whole interval has passed.
        this.lastHeartbeat.set(index, now)
      }
    })
    return out
  }

  /** Everything pending, due or not: at shutdown. */
  takeAll(): Array<TradeBatch> {
    return this.shards.flatMap((_, index) => this.take(index))
  }

  private lastHeartbeat = new Map<number, number>()
  private heartbeatDue(index: number, now: number): boolean {
    const last = this.lastHeartbeat.get(index) ?? -Infinity
    if (now - last < this.options.maxAgeMillis) return false
    this.lastHeartbeat.set(index, now)
    return true
  }

  private take(index: number): Array<TradeBatch> {
    const shard = this.shards[index]!
    const parts: Array<SymbolTrades> = []
    for (const [symbol, shardIndex] of this.shardBySymbol) {
      if (shardIndex !== index) continue
      const trades = (shard.trades.get(symbol) ?? []).sort((a, b) => a.firstId - b.firstId)
      const watermark = Math.max(this.watermark.get(symbol) ?? -1, this.streamTime)
      if (trades.length === 0 && (watermark < 0 || watermark === this.sentWatermark.get(symbol))) continue
      this.sentWatermark.set(symbol, watermark)
      parts.push({ symbol, watermark, trades: trades.map((t) => [t.firstId, t.price, t.qty, t.time, t.buyerIsMaker] as const) })
    }
    shard.trades.clear()
    shard.bytes = SYMBOL_OVERHEAD
    shard.since = -1
    if (parts.length === 0) return []
    return this.split({ shard: index, epoch: this.epoch, symbols: parts })
  }

  /** Halves a batch whose trades went past the size limit between two checks. */
  private split(batch: TradeBatch): Array<TradeBatch> {
    const count = batch.symbols.reduce((n, s) => n + s.trades.length, 0)
    if (count <= 1 || estimate(batch) <= this.options.maxBytes) return [batch]
    const half = Math.ceil(count / 2)
    const first: Array<SymbolTrades> = []
    const second: Array<SymbolTrades> = []
    let seen = 0
    for (const part of batch.symbols) {
      const cut = Math.max(0, Math.min(part.trades.length, half - seen))
      seen += part.trades.length
      // The first half's watermark must not run ahead of the trades the second half still holds.
      const held = part.trades[cut]
      if (cut > 0) first.push({ ...part, trades: part.trades.slice(0, cut), watermark: held === undefined ? part.watermark : held[3] - 1 })
      if (cut < part.trades.length) second.push({ ...part, trades: part.trades.slice(cut) })
      else if (cut === 0) second.push(part)
    }
    return [...this.split({ ...batch, symbols: first }), ...this.split({ ...batch, symbols: second })]
  }
}

/**
 * Characters of a Units8 written as a JSON string: at least "0.00000001", plus dot and quotes.
 * Counted from the number's logarithm, without writing it out (this runs twice per trade): the
 * `+ 2` may count one digit too many, never one too few, so a batch is never larger than estimated.
 */
const digits = (units: bigint): number => {
  const n = Number(units)
  return Math.max(n < 1 ? 1 : Math.floor(Math.log10(n)) + 2, 9) + 3
}

const estimate = (batch: TradeBatch): number =>
  batch.symbols.reduce(
    (n, s) => n + SYMBOL_OVERHEAD + s.trades.reduce((m, t) => m + TRADE_OVERHEAD + digits(t[1]) + digits(t[2]), 0),
    0
  )
