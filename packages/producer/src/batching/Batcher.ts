/**
 * Trades into `TradeBatch`es, one stream of batches per shard of symbols. A shard's batch goes
 * out when it is about a second old or near the size limit, so messages per second stay near
 * one per shard whatever the trade rate. A shard with no trades still sends a heartbeat every
 * interval, carrying the stream's time as its symbols' watermark, so quiet symbols' windows
 * close too.
 */
import { type CompactTrade, shardOf, type SymbolTrades, type TradeBatch, type TradingStatus } from "@blockchaincore/core/trade/TradeBatch"
import type { Trade } from "@blockchaincore/core/trade/Trade"
import { CLOSE_GRACE_MILLIS } from "@blockchaincore/core/candle/CandleEngine"

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

export const DEFAULT_BATCHER: BatcherOptions = { shards: 4, maxAgeMillis: 1_000, maxBytes: 200_000, closeAfterMillis: CLOSE_GRACE_MILLIS }

/**
 * On SQS every message is paid for (at the queue, the pipe, both functions, and in the S3
 * object and state write each symbol's part of it costs): a shard waits until the stream passes
 * a minute's end (any symbol's trade past it flushes every shard), or until its batch is full.
 * Candles lose nothing by it. The age limit, two minutes, is only the heartbeat of a stream with
 * no trades at all; shorter, it would flush just before the minute's end and send each minute
 * twice. One shard per symbol, whatever their number, so each symbol's minute is one message of its
 own, in a message group of its own (SqsTradeQueue.ts).
 */
export const sqsBatcher = (symbols: number): BatcherOptions => ({ ...DEFAULT_BATCHER, shards: Math.max(1, symbols), maxAgeMillis: 120_000 })

/** A compact trade's JSON is at most this much beyond its decimals' digits: ids, time, punctuation. */
const TRADE_OVERHEAD = 56
/** The batch's own fields and one symbol's, generously. */
const SYMBOL_OVERHEAD = 80

/** One symbol: its shard, the trades waiting (already in the batch's compact form), its watermarks. */
interface SymbolSlot {
  readonly symbol: string
  readonly shard: number
  trades: Array<CompactTrade>
  /** Whether the waiting trades arrived in id order (they nearly always do), so sending need not sort. */
  ascending: boolean
  watermark: number
  sentWatermark: number
  /** The exchange's word on the symbol (its last id, its statuses) not sent yet. */
  confirmed: SymbolTrades["confirmed"]
  statuses: Array<typeof TradingStatus.Type>
  opening: SymbolTrades["opening"]
}

class Shard {
  /** Its symbols, in name order. */
  readonly slots: Array<SymbolSlot> = []
  /** Symbols with trades waiting. */
  waiting = 0
  /** At least the JSON size of the shard's batch (see `digits`); a batch goes out before this passes the limit. */
  bytes = SYMBOL_OVERHEAD
  since = -1
  /** The exchange time of the trade that opened the batch (its arrival is `since`). */
  sinceTradeTime = -1
}

export interface BatchOpening {
  /** When the batch's first trade arrived. */
  readonly at: number
  /** That trade's exchange time. */
  readonly tradeTime: number
}

export class Batcher {
  readonly options: BatcherOptions
  private readonly shards: Array<Shard>
  /** Shards that went out when full, waiting for the next `takeDue`. */
  private readonly sealed: Array<TradeBatch> = []
  /** One lookup per trade: everything the batcher keeps about a symbol is in its slot. */
  private readonly slots = new Map<string, SymbolSlot>()
  private readonly lastHeartbeat = new Map<number, number>()
  private streamTime = -1
  /** The stream time at which every shard next goes out at once (a minute boundary plus the grace). */
  private nextClose = -1
  private closeDue = false
  private epoch: number
  /** When each batch taken had its first trade added, and that trade's exchange time: for the first hops' times. */
  private readonly opened = new WeakMap<TradeBatch, BatchOpening>()
  /** Told when a batch must go at once (a shard sealed or full, a minute closing), not at its age. */
  private onUrgent: () => void = () => {}

  constructor(symbols: ReadonlyArray<string>, options: BatcherOptions, epoch: number) {
    this.options = options
    this.epoch = epoch
    this.shards = Array.from({ length: options.shards }, () => new Shard())
    // The configured symbols spread evenly (in name order, so the same set always maps the same
    // way); with as many shards as symbols each symbol's minute is one message of its own.
    ;[...new Set(symbols)].sort().forEach((s, i) => this.slotOf(s, i % options.shards))
  }

  /** The completeness check's proof for `symbol`: it rides with the symbol's next part. */
  confirm(symbol: string, lastId: number, time: number): void {
    const slot = this.slots.get(symbol)
    if (slot !== undefined) slot.confirmed = { lastId, time }
  }

  /**
   * The exchange's word on `symbol`'s trading: every word rides with the symbol's next part, in
   * order, so a halt and its end in one batch both arrive; while no halt is among them, a
   * "trading" after a "trading" only moves the time (a halt's end must keep its own).
   */
  setStatus(symbol: string, trading: boolean, time: number): void {
    const slot = this.slots.get(symbol)
    if (slot === undefined) return
    const last = slot.statuses.at(-1)
    if (last !== undefined && trading && slot.statuses.every((s) => s.trading))
      slot.statuses[slot.statuses.length - 1] = { trading, time: Math.max(last.time, time) }
    else slot.statuses.push({ trading, time })
  }

  /** After a cold start: where the exchange's trades of `symbol`'s first window begin, with its next part. */
  open(symbol: string, opening: NonNullable<SymbolTrades["opening"]>): void {
    const slot = this.slots.get(symbol)
    if (slot !== undefined) slot.opening = opening
  }

  /** `wake` is called whenever a batch becomes due before its age: the publish stage waits on it. */
  whenUrgent(wake: () => void): void {
    this.onUrgent = wake
  }

  /**
   * When the next batch falls due by age if nothing urgent happens first: the oldest waiting
   * trade's shard, or a shard's next heartbeat.
   */
  nextDueAt(): number {
    let next = Infinity
    this.shards.forEach((shard, index) => {
      const at = (shard.since >= 0 ? shard.since : (this.lastHeartbeat.get(index) ?? -Infinity)) + this.options.maxAgeMillis
      if (at < next) next = at
    })
    return next
  }

  /** A new connection epoch: later batches carry it. */
  setEpoch(epoch: number): void {
    this.epoch = epoch
  }

  add(trade: Trade, now: number): void {
    const slot = this.slots.get(trade.symbol) ?? this.slotOf(trade.symbol, shardOf(trade.symbol, this.options.shards))
    const shard = this.shards[slot.shard]!
    const tradeBytes = TRADE_OVERHEAD + digits(trade.price) + digits(trade.qty)
    // A shard that this trade would take past the limit goes out as it is, at once: in a flood,
    // waiting for the next `takeDue` would mean a batch to cut up after the fact.
    if (shard.waiting > 0 && shard.bytes + tradeBytes + (slot.trades.length === 0 ? SYMBOL_OVERHEAD : 0) > this.options.maxBytes) {
      this.sealed.push(...this.take(slot.shard))
      this.lastHeartbeat.set(slot.shard, now)
      this.onUrgent()
    }
    const trades = slot.trades
    if (trades.length === 0) {
      shard.waiting++
      shard.bytes += SYMBOL_OVERHEAD
    } else if (trades[trades.length - 1]![0] > trade.firstId) slot.ascending = false
    trades.push([trade.firstId, trade.price, trade.qty, trade.time, trade.buyerIsMaker])
    shard.bytes += tradeBytes
    if (shard.since < 0) {
      shard.since = now
      shard.sinceTradeTime = trade.time
    }
    if (trade.time > slot.watermark) slot.watermark = trade.time
    if (trade.time > this.streamTime) {
      this.streamTime = trade.time
      if (this.nextClose < 0) this.nextClose = trade.time - (trade.time % 60_000) + 60_000 + this.options.closeAfterMillis
      if (trade.time >= this.nextClose) {
        this.closeDue = true
        this.nextClose = trade.time - ((trade.time - this.options.closeAfterMillis) % 60_000) + 60_000
        this.onUrgent()
      }
    }
    if (shard.bytes >= this.options.maxBytes) this.onUrgent()
  }

  /** The batches due at `now`: shards past their age, or past the size at which they must go. */
  takeDue(now: number): Array<TradeBatch> {
    const out = this.sealed.splice(0)
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
    return [...this.sealed.splice(0), ...this.shards.flatMap((_, index) => this.take(index))]
  }

  private slotOf(symbol: string, shard: number): SymbolSlot {
    const slot: SymbolSlot = {
      symbol,
      shard,
      trades: [],
      ascending: true,
      watermark: -1,
      sentWatermark: -1,
      confirmed: undefined,
      statuses: [],
      opening: undefined
    }
    this.slots.set(symbol, slot)
    this.shards[shard]!.slots.push(slot)
    return slot
  }

  private heartbeatDue(index: number, now: number): boolean {
    const last = this.lastHeartbeat.get(index) ?? -Infinity
    if (now - last < this.options.maxAgeMillis) return false
    this.lastHeartbeat.set(index, now)
    return true
  }

  private take(index: number): Array<TradeBatch> {
    const shard = this.shards[index]!
    const parts: Array<SymbolTrades> = []
    for (const slot of shard.slots) {
      const trades = slot.ascending ? slot.trades : slot.trades.sort((a, b) => a[0] - b[0])
      const watermark = Math.max(slot.watermark, this.streamTime)
      const { confirmed, statuses, opening } = slot
      if (
        trades.length === 0 &&
        confirmed === undefined &&
        statuses.length === 0 &&
        opening === undefined &&
        (watermark < 0 || watermark === slot.sentWatermark)
      )
        continue
      slot.sentWatermark = watermark
      slot.trades = []
      slot.ascending = true
      slot.confirmed = undefined
      slot.statuses = []
      slot.opening = undefined
      parts.push({
        symbol: slot.symbol,
        watermark: Math.max(watermark, 0),
        trades,
        ...(confirmed === undefined ? {} : { confirmed }),
        ...(statuses.length === 0 ? {} : { statuses }),
        ...(opening === undefined ? {} : { opening })
      })
    }
    const opening = { at: shard.since, tradeTime: shard.sinceTradeTime }
    shard.waiting = 0
    shard.bytes = SYMBOL_OVERHEAD
    shard.since = -1
    if (parts.length === 0) return []
    const batch: TradeBatch = { shard: index, epoch: this.epoch, symbols: parts }
    if (opening.at >= 0) this.opened.set(batch, opening)
    return [batch]
  }

  /** When the first trade of a batch this batcher made arrived, and its exchange time; undefined for a heartbeat. */
  openingOf(batch: TradeBatch): BatchOpening | undefined {
    return this.opened.get(batch)
  }
}

const POWERS_OF_TEN = Array.from({ length: 40 }, (_, k) => 10n ** BigInt(k))

/**
 * Characters of a Units8 written as a JSON string: its digits, at least nine ("0.00000001"), plus
 * the dot, the quotes and the leading "0" of a value below one. Counted by comparison, without
 * writing the number out (this runs twice per trade).
 */
const digits = (units: bigint): number => {
  let k = 9
  while (k < POWERS_OF_TEN.length && units >= POWERS_OF_TEN[k]!) k++
  return (k < POWERS_OF_TEN.length ? k : units.toString().length) + 3
}
