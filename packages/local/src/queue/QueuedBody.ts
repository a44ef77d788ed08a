/**
 * A batch as the local queue's file keeps it. Written for every batch and read only after a
 * restart, so writing is what must be cheap: the trades go into typed arrays (ids and times as
 * float64, exact for safe integers; prices and quantities as int64 units of 1e-8) behind a small
 * JSON header, a copy of memory per field instead of a number formatted per field. A batch with a
 * value beyond int64 is written as units JSON behind a `u1` mark instead, and bodies written
 * before either existed, `TradeBatchFromJson`'s decimals, are read as well. Whatever the form, the
 * batch read back is checked against the `TradeBatch` schema; a body that fails it is a corrupt file.
 */
import { Schema } from "effect"
import { type CompactTrade, TradeBatch, TradeBatchFromJson } from "@blockchaincore/core/trade/TradeBatch"

const UNITS_MARK = "u1"

/** The binary form's header: the batch without its trades, and how many trades each symbol has. */
const Header = Schema.fromJsonString(Schema.Struct({
  shard: Schema.Int,
  epoch: Schema.Int,
  symbols: Schema.Array(Schema.Struct({ symbol: Schema.String, watermark: Schema.Number, count: Schema.Int }))
}))
const decodeHeader = Schema.decodeUnknownSync(Header)

/** The header's length (uint32) leads; the arrays start at the next multiple of 8. */
const UTF8 = new TextDecoder()

const align8 = (n: number) => Math.ceil(n / 8) * 8

const encodeBinary = (batch: TradeBatch): Uint8Array | undefined => {
  const header = new TextEncoder().encode(JSON.stringify({
    shard: batch.shard,
    epoch: batch.epoch,
    symbols: batch.symbols.map((s) => ({ symbol: s.symbol, watermark: s.watermark, count: s.trades.length }))
  }))
  let n = 0
  for (const s of batch.symbols) n += s.trades.length
  const numbersAt = align8(4 + header.length)
  const bytes = new Uint8Array(numbersAt + n * 32 + n)
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(0, header.length, true)
  bytes.set(header, 4)
  const numbers = new Float64Array(bytes.buffer, bytes.byteOffset + numbersAt, n * 2)
  const units = new BigInt64Array(bytes.buffer, bytes.byteOffset + numbersAt + n * 16, n * 2)
  const makers = new Uint8Array(bytes.buffer, bytes.byteOffset + numbersAt + n * 32, n)
  let i = 0
  for (const s of batch.symbols) {
    for (const [id, price, qty, time, buyerIsMaker] of s.trades) {
      numbers[2 * i] = id
      numbers[2 * i + 1] = time
      units[2 * i] = price
      units[2 * i + 1] = qty
      // A typed array keeps a bigint modulo 2^64: a value that does not read back does not fit.
      if (units[2 * i] !== price || units[2 * i + 1] !== qty) return undefined
      makers[i] = buyerIsMaker ? 1 : 0
      i++
    }
  }
  return bytes
}

/**
 * The batch in a binary body, as written: for bodies this process holds. One read from the file
 * goes through `decodeQueuedBody`, which checks it against the schema.
 */
export const readQueuedBinary = (bytes: Uint8Array): TradeBatch => {
  // SQLite hands back a view that may start anywhere in its buffer: copied, so the arrays are aligned.
  const own = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice()
  const headerLength = new DataView(own.buffer, own.byteOffset).getUint32(0, true)
  const header = decodeHeader(UTF8.decode(own.subarray(4, 4 + headerLength)))
  let n = 0
  for (const s of header.symbols) n += s.count
  const numbersAt = own.byteOffset + align8(4 + headerLength)
  if (own.byteLength !== numbersAt - own.byteOffset + n * 33) throw new Error(`a queued body of ${own.byteLength} bytes cannot hold ${n} trades`)
  const numbers = new Float64Array(own.buffer, numbersAt, n * 2)
  const units = new BigInt64Array(own.buffer, numbersAt + n * 16, n * 2)
  const makers = new Uint8Array(own.buffer, numbersAt + n * 32, n)
  let i = 0
  return {
    shard: header.shard,
    epoch: header.epoch,
    symbols: header.symbols.map((s) => ({
      symbol: s.symbol,
      watermark: s.watermark,
      trades: Array.from({ length: s.count }, (): CompactTrade => {
        const trade: CompactTrade = [numbers[2 * i]!, units[2 * i]!, units[2 * i + 1]!, numbers[2 * i + 1]!, makers[i] === 1]
        i++
        return trade
      })
    }))
  }
}

/** Units JSON, written directly (a replacer for the bigints would cost more than the rest of publishing). */
const encodeUnits = (batch: TradeBatch): string => {
  const symbols = batch.symbols.map((s) =>
    `{"symbol":${JSON.stringify(s.symbol)},"watermark":${s.watermark},"trades":[${s.trades.map((t) => `[${t[0]},"${t[1]}","${t[2]}",${t[3]},${t[4]}]`).join(",")}]}`
  )
  return `${UNITS_MARK}{"shard":${batch.shard},"epoch":${batch.epoch},"symbols":[${symbols.join(",")}]}`
}

/** The units JSON's shape, before its integers become bigints. */
const UnitsBody = Schema.fromJsonString(Schema.Struct({
  shard: Schema.Int,
  epoch: Schema.Int,
  symbols: Schema.Array(Schema.Struct({
    symbol: Schema.String,
    watermark: Schema.Number,
    trades: Schema.Array(Schema.Tuple([Schema.Number, Schema.BigIntFromString, Schema.BigIntFromString, Schema.Number, Schema.Boolean]))
  }))
}))

const decodeUnits = Schema.decodeUnknownSync(UnitsBody)
const validate = Schema.decodeUnknownSync(Schema.toType(TradeBatch))
const decodeDecimals = Schema.decodeUnknownSync(TradeBatchFromJson)

export type QueuedBody = Uint8Array | string

export const encodeQueuedBody = (batch: TradeBatch): QueuedBody => encodeBinary(batch) ?? encodeUnits(batch)

export const decodeQueuedBody = (body: QueuedBody): TradeBatch =>
  typeof body !== "string"
    ? validate(readQueuedBinary(body))
    : body.startsWith(UNITS_MARK)
    ? validate(decodeUnits(body.slice(UNITS_MARK.length)))
    : decodeDecimals(body)
