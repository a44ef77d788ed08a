/**
 * SQL over the local archive with DuckDB. Two tables, named and shaped as the Athena tables on
 * AWS: `trades` (symbol, date, hour partitions; trade_id, price, qty, quote_qty, trade_time,
 * is_buyer_maker) from the compacted Parquet files plus the staged trades of hours not compacted
 * yet, and `candles` (interval, symbol, date; the kline columns) from the candle store.
 */
import { existsSync, globSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { DatabaseSync } from "node:sqlite"
import { connectSqlite } from "../sqlite/LocalDatabase.ts"
import { DuckDBInstance } from "@duckdb/node-api"
import { Effect, Schema } from "effect"
import { Candle } from "@blockchaincore/core/candle/Candle"
import {
  CANDLE_COLUMNS,
  candleColumns,
  csvColumnTypes,
  STAGED_TRADE_COLUMNS,
  TRADE_COLUMNS,
  TRADES_OF_STAGED
} from "@blockchaincore/adapters/formats/ArchiveLayout"
import { stagedBodyOf, stagedRows } from "@blockchaincore/adapters/formats/StagedTrades"
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"
import { utcDayOf as dateOf } from "@blockchaincore/core/time/UtcTime"

export class QueryFailed extends Schema.TaggedError<QueryFailed>()("QueryFailed", { message: Schema.String }) {}

interface QueryResult {
  readonly columns: ReadonlyArray<string>
  readonly rows: ReadonlyArray<ReadonlyArray<string | null>>
}

const hourOf = (t: number) => new Date(t).toISOString().slice(11, 13)

/** Runs `read` on the SQLite file at `path`, opened read-only, or gives [] if there is none. */
const readSqlite = (path: string, read: (db: DatabaseSync) => Array<string>): Array<string> => {
  if (!existsSync(path)) return []
  const db = connectSqlite(path, "read")
  try {
    return read(db)
  } finally {
    db.close()
  }
}

/** Staged trades of the hours no Parquet file holds yet, as CSV lines with their partitions. */
const stagedTradeLines = (stagingPath: string) =>
  readSqlite(stagingPath, (db) => {
    const compacted = new Set(
      db
        .prepare("SELECT symbol, hour_start FROM compacted_hours")
        .all()
        .map((r) => `${String(r["symbol"])}|${Number(r["hour_start"])}`)
    )
    const lines: Array<string> = []
    for (const { symbol } of db.prepare("SELECT DISTINCT symbol FROM staged_parts").all()) {
      const bodies = db
        .prepare("SELECT body FROM staged_parts WHERE symbol = ?")
        .all(String(symbol))
        .map((r) => stagedBodyOf(r["body"]))
      for (const row of stagedRows(bodies)) {
        if (compacted.has(`${String(symbol)}|${row.time - (row.time % 3_600_000)}`)) continue
        lines.push(`${String(symbol)},${dateOf(row.time)},${hourOf(row.time)},${row.line}`)
      }
    }
    return lines
  })

/** Every stored candle as a CSV line: interval, symbol, date, then CANDLE_COLUMNS. */
const storedCandleLines = (storePath: string) =>
  readSqlite(storePath, (db) => {
    const decode = Schema.decodeUnknownSync(Schema.fromJsonString(Candle))
    return db
      .prepare("SELECT body FROM candles")
      .all()
      .map((r) => {
        const c = decode(String(r["body"]))
        return [c.interval, c.symbol, dateOf(c.openTime), ...candleColumns(c)].join(",")
      })
  })

/**
 * The lines as a relation with `columns` ("name TYPE, ..."), through a CSV file in `file`, its
 * columns made by `select` (those of `output`); with no lines, an empty relation of `output`
 * (DuckDB cannot read an empty CSV).
 */
const csvRelation = (file: string, lines: ReadonlyArray<string>, columns: string, select = "*", output = columns): string => {
  if (lines.length === 0) {
    const typed = output.split(", ").map((c) => `CAST(NULL AS ${c.split(" ").slice(1).join(" ")}) AS ${c.split(" ")[0]}`)
    return `SELECT ${typed.join(", ")} WHERE false`
  }
  writeFileSync(file, lines.join("\n"))
  return `SELECT ${select} FROM read_csv('${file}', header = false, columns = {${csvColumnTypes(columns)}})`
}

export const queryArchive = (dataDir: string, sql: string): Effect.Effect<QueryResult, QueryFailed> =>
  Effect.tryPromise({
    try: async () => {
      const scratch = mkdtempSync(join(tmpdir(), "blockchaincore-query-"))
      const duck = await DuckDBInstance.create(":memory:")
      const c = await duck.connect()
      try {
        const archive = join(dataDir, "archive")
        const partitions = "symbol VARCHAR, date VARCHAR, hour VARCHAR"
        const stagedSql = csvRelation(
          join(scratch, "staged.csv"),
          stagedTradeLines(join(archive, "staging.sqlite")),
          `${partitions}, ${STAGED_TRADE_COLUMNS}`,
          `symbol, date, hour, ${TRADES_OF_STAGED}`,
          `${partitions}, ${TRADE_COLUMNS}`
        )
        const tradesGlob = join(archive, "trades", "*", "*", "*", "*.parquet")
        const parquet =
          globSync(tradesGlob).length > 0
            ? `SELECT symbol, date, hour, ${TRADE_COLUMNS.split(", ")
                .map((x) => x.split(" ")[0])
                .join(
                  ", "
                )} FROM read_parquet('${tradesGlob}', hive_partitioning = true, hive_types = {'symbol': VARCHAR, 'date': VARCHAR, 'hour': VARCHAR}) UNION ALL `
            : ""
        // An hour whose file was written but not yet marked compacted (a stop in between) is in
        // both: the file wins, each trade id once.
        await c.run(`CREATE VIEW trades AS SELECT * FROM (${parquet}${stagedSql}) QUALIFY row_number() OVER (PARTITION BY symbol, trade_id) = 1`)

        const candlesSql = csvRelation(
          join(scratch, "candles.csv"),
          storedCandleLines(join(dataDir, "candles.sqlite")),
          `interval VARCHAR, symbol VARCHAR, date VARCHAR, ${CANDLE_COLUMNS}`
        )
        await c.run(`CREATE VIEW candles AS ${candlesSql}`)

        const result = await c.runAndReadAll(sql)
        return {
          columns: result.columnNames(),
          rows: result.getRowsJson().map((row) => row.map((v) => (v === null ? null : typeof v === "object" ? JSON.stringify(v) : String(v))))
        }
      } finally {
        c.closeSync()
        rmSync(scratch, { recursive: true, force: true })
      }
    },
    catch: (e) => new QueryFailed({ message: errorMessage(e) })
  })

/** Columns padded to their widest value, with a rule under the header. */
export const formatTable = (r: QueryResult): string => {
  const cells = [r.columns, ...r.rows.map((row) => row.map((v) => v ?? "NULL"))]
  const widths = r.columns.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? "").length)))
  const line = (row: ReadonlyArray<string>) =>
    row
      .map((v, i) => v.padEnd(widths[i]!))
      .join("  ")
      .trimEnd()
  return [line(r.columns), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line), `(${r.rows.length} rows)`].join("\n")
}

export const formatCsv = (r: QueryResult): string =>
  [r.columns, ...r.rows.map((row) => row.map((v) => v ?? ""))]
    .map((row) => row.map((v) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v)).join(","))
    .join("\n")

export const formatJson = (r: QueryResult): string => JSON.stringify(r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i] ?? null]))))
