/**
 * Where archived data lives and what its columns are called: the Hive partitions and column
 * names the Glue tables have on AWS, so the same SQL runs on Athena and on the local archive.
 * Keys are relative ("trades/symbol=.../...") and joined with "/", which is both an S3 key and a
 * POSIX path under the local archive's root.
 */
import type { Candle } from "@blockchaincore/core/candle/Candle"
import { formatUnits, PRICE_SCALE, QUOTE_SCALE } from "@blockchaincore/core/decimal/Decimal"
import { utcDayOf } from "@blockchaincore/core/time/UtcTime"

export const TRADE_COLUMNS =
  "trade_id BIGINT, price DECIMAL(38,8), qty DECIMAL(38,8), quote_qty DECIMAL(38,16), trade_time BIGINT, is_buyer_maker BOOLEAN, is_large BOOLEAN"
/** A staged trade (StagedTrades.ts): prices and quantities as integer units of 1e-8. */
export const STAGED_TRADE_COLUMNS = "trade_id BIGINT, price_units HUGEINT, qty_units HUGEINT, trade_time BIGINT, is_buyer_maker BOOLEAN, is_large BOOLEAN"
/**
 * Staged trades as TRADE_COLUMNS, exactly: DuckDB multiplies DECIMALs without rounding, and a
 * price or quantity has 8 places, a quote 16.
 */
export const TRADES_OF_STAGED = [
  "trade_id",
  "CAST(CAST(price_units AS DECIMAL(38,0)) * 0.00000001 AS DECIMAL(38,8)) AS price",
  "CAST(CAST(qty_units AS DECIMAL(38,0)) * 0.00000001 AS DECIMAL(38,8)) AS qty",
  "CAST(CAST(price_units AS DECIMAL(38,0)) * CAST(qty_units AS DECIMAL(38,0)) * 0.0000000000000001 AS DECIMAL(38,16)) AS quote_qty",
  "trade_time",
  "is_buyer_maker",
  "is_large"
].join(", ")
export const CANDLE_COLUMNS =
  "open_time BIGINT, open DECIMAL(38,8), high DECIMAL(38,8), low DECIMAL(38,8), close DECIMAL(38,8), volume DECIMAL(38,8), close_time BIGINT, quote_volume DECIMAL(38,16), trades BIGINT, taker_buy_base_volume DECIMAL(38,8), taker_buy_quote_volume DECIMAL(38,16), complete BOOLEAN"

/** The Hive partition keys of each table, in path order. */
export const TRADE_PARTITIONS = ["symbol", "date", "hour"] as const
export const CANDLE_PARTITIONS = ["interval", "symbol", "date"] as const

interface Column {
  readonly name: string
  /** The SQL type, as DuckDB and Athena both spell it. */
  readonly type: string
}

/** "a BIGINT, b DECIMAL(38,8)" as columns. */
export const columnsOf = (columns: string): ReadonlyArray<Column> =>
  columns.split(", ").map((c) => ({ name: c.split(" ")[0] ?? c, type: c.split(" ").slice(1).join(" ") }))

const price = (u: bigint) => formatUnits(u, PRICE_SCALE, 8)
const quote = (u: bigint) => formatUnits(u, QUOTE_SCALE, 16)

/** A candle's values in CANDLE_COLUMNS order. */
export const candleColumns = (c: Candle): ReadonlyArray<string | number | boolean> => [
  c.openTime,
  price(c.open),
  price(c.high),
  price(c.low),
  price(c.close),
  price(c.volume),
  c.closeTime,
  quote(c.quoteVolume),
  c.trades,
  price(c.takerBuyBaseVolume),
  quote(c.takerBuyQuoteVolume),
  c.complete
]

/** "a BIGINT, b DECIMAL(38,8)" as read_csv's columns = {...} argument. */
export const csvColumnTypes = (columns: string) =>
  columnsOf(columns)
    .map((c) => `'${c.name}': '${c.type}'`)
    .join(", ")

const hourOf = (time: number) => new Date(time).toISOString().slice(11, 13)

export const tradesKey = (symbol: string, hourStart: number) => `trades/symbol=${symbol}/date=${utcDayOf(hourStart)}/hour=${hourOf(hourStart)}/trades.parquet`

export const candlesKey = (interval: string, symbol: string, dayStart: number) =>
  `candles/interval=${interval}/symbol=${symbol}/date=${utcDayOf(dayStart)}/candles.parquet`
