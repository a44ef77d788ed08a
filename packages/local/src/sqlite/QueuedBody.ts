/**
 * A batch as the local queue's file keeps it. Written for every batch and read only after a
 * restart, so writing is what must be cheap: the trades go into binary columns
 * (adapters/formats/TradeColumns.ts) behind a small JSON header. A batch with a
 * value beyond int64 is written as units JSON behind a `u1` mark instead. Whatever the form, the
 * batch read back is checked against the `TradeBatch` schema; a body that fails it is a corrupt file.
 */
import { Schema } from "effect"
import { aligned, BYTES_PER_TRADE, setTrade, tradeColumns } from "@blockchaincore/adapters/formats/TradeColumns"
import { Opening } from "@blockchaincore/core/candle/Opening"
import { type CompactTrade, Confirmation, exchangeWordOf, TradeBatch, TradingStatus } from "@blockchaincore/core/trade/TradeBatch"

const UNITS_MARK = "u1"

/** The binary form's header: the batch without its trades, and how many trades each symbol has. */
const Header = Schema.fromJsonString(
  Schema.Struct({
    shard: Schema.Int,
    epoch: Schema.Int,
    symbols: Schema.Array(
      Schema.Struct({
        symbol: Schema.String,
        watermark: Schema.Number,
        count: Schema.Int,
        confirmed: Schema.optionalKey(Confirmation),
        statuses: Schema.optionalKey(Schema.Array(TradingStatus)),
        opening: Schema.optionalKey(Opening)
      })
    )
  })
)
const decodeHeader = Schema.decodeUnknownSync(Header)

const UTF8 = new TextDecoder()

/** The header's length (uint32) leads, then the header; the trade columns start at the next multiple of 8. */
const columnsAt = (headerLength: number) => Math.ceil((4 + headerLength) / 8) * 8

const encodeBinary = (batch: TradeBatch): Uint8Array | undefined => {
  const header = new TextEncoder().encode(
    JSON.stringify({
      shard: batch.shard,
      epoch: batch.epoch,
      symbols: batch.symbols.map((s) => ({ symbol: s.symbol, watermark: s.watermark, count: s.trades.length, ...exchangeWordOf(s) }))
    })
  )
  let n = 0
  for (const s of batch.symbols) n += s.trades.length
  const bytes = new Uint8Array(columnsAt(header.length) + n * BYTES_PER_TRADE)
  new DataView(bytes.buffer).setUint32(0, header.length, true)
  bytes.set(header, 4)
  const columns = tradeColumns(bytes, columnsAt(header.length), n)
  let i = 0
  for (const s of batch.symbols) {
    for (const [id, price, qty, time, buyerIsMaker] of s.trades) {
      if (!setTrade(columns, i++, id, time, price, qty, buyerIsMaker ? 1 : 0)) return undefined
    }
  }
  return bytes
}

/**
 * The batch in a binary body, as written: for bodies this process holds. One read from the file
 * goes through `decodeQueuedBody`, which checks it against the schema.
 */
export const readQueuedBinary = (bytes: Uint8Array): TradeBatch => {
  const own = aligned(bytes)
  const headerLength = new DataView(own.buffer, own.byteOffset).getUint32(0, true)
  const header = decodeHeader(UTF8.decode(own.subarray(4, 4 + headerLength)))
  let n = 0
  for (const s of header.symbols) n += s.count
  if (own.byteLength !== columnsAt(headerLength) + n * BYTES_PER_TRADE) throw new Error(`a queued body of ${own.byteLength} bytes cannot hold ${n} trades`)
  const { ids, times, prices, qtys, flags } = tradeColumns(own, columnsAt(headerLength), n)
  let i = 0
  return {
    shard: header.shard,
    epoch: header.epoch,
    symbols: header.symbols.map((s) => ({
      symbol: s.symbol,
      watermark: s.watermark,
      ...(s.confirmed === undefined ? {} : { confirmed: s.confirmed }),
      ...(s.statuses === undefined ? {} : { statuses: s.statuses }),
      ...(s.opening === undefined ? {} : { opening: s.opening }),
      trades: Array.from({ length: s.count }, (): CompactTrade => {
        const trade: CompactTrade = [ids[i]!, prices[i]!, qtys[i]!, times[i]!, flags[i] === 1]
        i++
        return trade
      })
    }))
  }
}

/** Units JSON, written directly (a replacer for the bigints would cost more than the rest of publishing). */
const encodeUnits = (batch: TradeBatch): string => {
  const symbols = batch.symbols.map(
    (s) =>
      `{"symbol":${JSON.stringify(s.symbol)},"watermark":${s.watermark},${exchangeWordJson(s)}"trades":[${s.trades.map((t) => `[${t[0]},"${t[1]}","${t[2]}",${t[3]},${t[4]}]`).join(",")}]}`
  )
  return `${UNITS_MARK}{"shard":${batch.shard},"epoch":${batch.epoch},"symbols":[${symbols.join(",")}]}`
}

const exchangeWordJson = (part: TradeBatch["symbols"][number]): string => {
  const word = JSON.stringify(exchangeWordOf(part))
  return word === "{}" ? "" : `${word.slice(1, -1)},`
}

/** The units JSON's shape, before its integers become bigints. */
const UnitsBody = Schema.fromJsonString(
  Schema.Struct({
    shard: Schema.Int,
    epoch: Schema.Int,
    symbols: Schema.Array(
      Schema.Struct({
        symbol: Schema.String,
        watermark: Schema.Number,
        confirmed: Schema.optionalKey(Confirmation),
        statuses: Schema.optionalKey(Schema.Array(TradingStatus)),
        opening: Schema.optionalKey(Opening),
        trades: Schema.Array(Schema.Tuple([Schema.Number, Schema.BigIntFromString, Schema.BigIntFromString, Schema.Number, Schema.Boolean]))
      })
    )
  })
)

const decodeUnits = Schema.decodeUnknownSync(UnitsBody)
const validate = Schema.decodeUnknownSync(Schema.toType(TradeBatch))

export type QueuedBody = Uint8Array | string

export const encodeQueuedBody = (batch: TradeBatch): QueuedBody => encodeBinary(batch) ?? encodeUnits(batch)

export const decodeQueuedBody = (body: QueuedBody): TradeBatch =>
  typeof body !== "string"
    ? validate(readQueuedBinary(body))
    : body.startsWith(UNITS_MARK)
      ? validate(decodeUnits(body.slice(UNITS_MARK.length)))
      : corrupt(body)

const corrupt = (body: string): never => {
  throw new Error(`a queued body that is neither binary nor units JSON: ${body.slice(0, 80)}`)
}
