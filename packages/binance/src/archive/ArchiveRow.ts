/**
 * Rows of Binance's public-data archive (data.binance.vision), which have no header:
 *   trades     id,price,qty,quoteQty,time,isBuyerMaker,isBestMatch
 *   aggTrades  aggId,price,qty,firstTradeId,lastTradeId,time,isBuyerMaker,isBestMatch
 * Spot files dated from 2025-01-01 give times in microseconds (16 digits), older ones in
 * milliseconds (13 digits). Mixing the two up reads as a thousandfold change in volume, so the
 * unit is detected once per file and a row in the other unit is rejected, not converted.
 */
import { Result, Schema, SchemaGetter } from "effect"
import { Units8 } from "@blockchaincore/core/decimal/Decimal"
import type { SymbolName, Trade } from "@blockchaincore/core/trade/Trade"

export type ArchiveLayout = "trades" | "aggTrades"
type TimeUnit = "millisecond" | "microsecond"

const digits = (pattern: RegExp, message: string) =>
  Schema.String.pipe(
    Schema.check(Schema.isPattern(pattern, { message })),
    Schema.decodeTo(Schema.Int, {
      decode: SchemaGetter.transform((s: string) => Number(s)),
      encode: SchemaGetter.transform((n: number) => String(n))
    })
  )

const Id = digits(/^(?:0|[1-9][0-9]{0,14})$/, "Expected a trade id: digits, no sign")
const Millis = digits(/^[1-9][0-9]{12}$/, "Expected a time in milliseconds: 13 digits")
const Micros = digits(/^[1-9][0-9]{15}$/, "Expected a time in microseconds: 16 digits")

const Flag = Schema.Literals(["True", "False", "true", "false"]).pipe(
  Schema.decodeTo(Schema.Boolean, {
    decode: SchemaGetter.transform((s: string) => s === "True" || s === "true"),
    encode: SchemaGetter.transform((b: boolean) => (b ? "True" : "False"))
  })
)

const tradesRow = <T extends typeof Millis>(time: T) => Schema.Tuple([Id, Units8, Units8, Units8, time, Flag, Flag])
const aggTradesRow = <T extends typeof Millis>(time: T) => Schema.Tuple([Id, Units8, Units8, Id, Id, time, Flag, Flag])

const TradesRowMillis = tradesRow(Millis)
const TradesRowMicros = tradesRow(Micros)
const AggTradesRowMillis = aggTradesRow(Millis)
const AggTradesRowMicros = aggTradesRow(Micros)

export interface ArchiveFormat {
  readonly layout: ArchiveLayout
  readonly unit: TimeUnit
}

const HEADER_FIRST_COLUMNS = new Set(["id", "agg_trade_id", "aggTradeId", "a", "trade_id"])

/** A header row (some archive files, and files saved by other tools, have one): its first column names a column. */
export const isHeaderRow = (fields: ReadonlyArray<string>): boolean => HEADER_FIRST_COLUMNS.has(fields[0] ?? "")

const COLUMNS: Record<ArchiveLayout, ReadonlyArray<string>> = {
  trades: ["id", "price", "qty", "quoteQty", "time", "isBuyerMaker", "isBestMatch"],
  aggTrades: ["aggTradeId", "price", "qty", "firstTradeId", "lastTradeId", "time", "isBuyerMaker", "isBestMatch"]
}

/** The schema's message, with its `at [4]` told as the column a person sees in the file. */
const columnMessage = (layout: ArchiveLayout, message: string): string =>
  message.replace(/at \[(\d+)\]/g, (_, i: string) => `in column ${Number(i) + 1} (${COLUMNS[layout][Number(i)] ?? "?"})`)

const decoders = {
  trades: {
    millisecond: Schema.decodeUnknownResult(TradesRowMillis),
    microsecond: Schema.decodeUnknownResult(TradesRowMicros)
  },
  aggTrades: {
    millisecond: Schema.decodeUnknownResult(AggTradesRowMillis),
    microsecond: Schema.decodeUnknownResult(AggTradesRowMicros)
  }
} as const

/**
 * The layout and time unit of a file, read off one of its rows: its column count and time's
 * digits say which, and the row must then decode as such; undefined if it does not (a stray
 * line before the data decides nothing).
 */
export const detectArchiveFormat = (fields: ReadonlyArray<string>): ArchiveFormat | undefined => {
  const layout = fields.length === 7 ? "trades" : fields.length === 8 ? "aggTrades" : undefined
  if (layout === undefined) return undefined
  const time = fields[layout === "trades" ? 4 : 5] ?? ""
  const unit = time.length >= 16 ? "microsecond" : "millisecond"
  const decoded: Result.Result<unknown, unknown> = layout === "trades" ? decoders.trades[unit](fields) : decoders.aggTrades[unit](fields)
  return Result.isSuccess(decoded) ? { layout, unit } : undefined
}

/**
 * One archive row as a trade of `symbol` (the archive names the symbol only in the file name),
 * or the reason it is not a valid row of `format`.
 */
export const decodeArchiveRow = (format: ArchiveFormat, symbol: SymbolName, fields: ReadonlyArray<string>): Result.Result<Trade, string> => {
  const toMillis = format.unit === "microsecond" ? (t: number) => Math.floor(t / 1000) : (t: number) => t
  if (format.layout === "trades") {
    const row = decoders.trades[format.unit](fields)
    if (Result.isFailure(row)) return Result.fail(columnMessage("trades", row.failure.message))
    const [id, price, qty, , time, buyerIsMaker] = row.success
    return Result.succeed({ symbol, firstId: id, lastId: id, price, qty, time: toMillis(time), buyerIsMaker })
  }
  const row = decoders.aggTrades[format.unit](fields)
  if (Result.isFailure(row)) return Result.fail(columnMessage("aggTrades", row.failure.message))
  const [, price, qty, firstId, lastId, time, buyerIsMaker] = row.success
  if (lastId < firstId) return Result.fail(`lastTradeId ${lastId} is before firstTradeId ${firstId}`)
  return Result.succeed({ symbol, firstId, lastId, price, qty, time: toMillis(time), buyerIsMaker })
}
