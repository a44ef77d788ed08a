/**
 * A batch as the local queue's file keeps it: JSON with prices and quantities as integer units
 * (1e-8), behind a `u1` mark, which costs a fraction of writing them as decimals (the file is
 * written for every batch and read only after a restart). Bodies written before the mark
 * existed, `TradeBatchFromJson`'s decimals, are read as well. Either way the batch read back is
 * checked against the `TradeBatch` schema; a body that fails it is a corrupt file.
 */
import { Schema } from "effect"
import { TradeBatch, TradeBatchFromJson } from "@blockchaincore/core/trade/TradeBatch"

const MARK = "u1"

/** Written directly (a replacer for the bigints would cost more than the rest of publishing). */
export const encodeQueuedBody = (batch: TradeBatch): string => {
  const symbols = batch.symbols.map((s) =>
    `{"symbol":${JSON.stringify(s.symbol)},"watermark":${s.watermark},"trades":[${s.trades.map((t) => `[${t[0]},"${t[1]}","${t[2]}",${t[3]},${t[4]}]`).join(",")}]}`
  )
  return `${MARK}{"shard":${batch.shard},"epoch":${batch.epoch},"symbols":[${symbols.join(",")}]}`
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

export const decodeQueuedBody = (body: string): TradeBatch =>
  body.startsWith(MARK) ? validate(decodeUnits(body.slice(MARK.length))) : decodeDecimals(body)
