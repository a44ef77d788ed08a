/**
 * SQL over the local archive with DuckDB. Two tables, named and shaped as the Athena tables on
 * AWS: `trades` (symbol, date, hour partitions; trade_id, price, qty, quote_qty, trade_time,
 * is_buyer_maker) from the compacted Parquet files plus the staged trades of hours not compacted
 * yet, and `candles` (interval, symbol, date; the kline columns) from the candle store.
 */
import { existsSync, globSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { DatabaseSync } from "node:sqlite"
import { DuckDBInstance } from "@duckdb/node-api"
import { Effect, Schema } from "effect"
import { Candle } from "@blockchaincore/core/candle/Candle"
import { formatUnits, PRICE_SCALE, QUOTE_SCALE } from "@blockchaincore/core/decimal/Decimal"
import { CANDLE_COLUMNS, csvColumnTypes, TRADE_COLUMNS, tradesGlob } from "../archive/ArchiveLayout.ts"
import { stagedRows } from "../archive/LocalTradeArchive.ts"

export class QueryFailed extends Schema.TaggedError<QueryFailed>()("QueryFailed", { message: Schema.String }) {}

export interface QueryResult {
  readonly columns: ReadonlyArray<string>
  readonly rows: ReadonlyArray<ReadonlyArray<string | null>>
}

const dateOf = (t: number) => new Date(t).toISOString().slice(0, 10)
const hourOf = (t: number) => new Date(t).toISOString().slice(11, 13)

export const queryArchive = (dataDir: string, sql: string): Effect.Effect<QueryResult, QueryFailed> =>
  Effect.tryPromise({
    try: async () => {
      const scratch = mkdtempSync(join(tmpdir(), "blockchaincore-query-"))
      const duck = await DuckDBInstance.create(":memory:")
      const c = await duck.connect()
      try {
        const archive = join(dataDir, "archive")
        const partitions = "symbol VARCHAR, date VARCHAR, hour VARCHAR"
        // Staged trades of the hours no Parquet file holds yet.
        const stagedCsv = join(scratch, "staged.csv")
        const stagingPath = join(archive, "staging.sqlite")
        const staged: Array<string> = []
        if (existsSync(stagingPath)) {
          const db = new DatabaseSync(stagingPath, { readOnly: true })
          try {
            const compacted = new Set(db.prepare("SELECT symbol, hour_start FROM compacted_hours").all().map((r) => `${String(r["symbol"])}|${Number(r["hour_start"])}`))
            const symbols = db.prepare("SELECT DISTINCT symbol FROM staged_parts").all().map((r) => String(r["symbol"]))
            for (const symbol of symbols) {
              const bodies = db.prepare("SELECT body FROM staged_parts WHERE symbol = ?").all(symbol).map((r) => String(r["body"]))
              for (const row of stagedRows(bodies)) {
                if (compacted.has(`${symbol}|${row.time - (row.time % 3_600_000)}`)) continue
                staged.push(`${symbol},${dateOf(row.time)},${hourOf(row.time)},${row.line}`)
              }
            }
          } finally {
            db.close()
          }
        }
        writeFileSync(stagedCsv, staged.join("\n"))
        const stagedSql = `SELECT * FROM read_csv('${stagedCsv}', header = false, columns = {${csvColumnTypes(`${partitions}, ${TRADE_COLUMNS}`)}})`
        const parquet = globSync(tradesGlob(archive)).length > 0
          ? `SELECT symbol, date, hour, ${TRADE_COLUMNS.split(", ").map((x) => x.split(" ")[0]).join(", ")} FROM read_parquet('${tradesGlob(archive)}', hive_partitioning = true, hive_types = {'symbol': VARCHAR, 'date': VARCHAR, 'hour': VARCHAR}) UNION ALL `
          : ""
        // An hour whose file was written but not yet marked compacted (a stop in between) is in
        // both: the file wins, each trade id once.
        await c.run(`CREATE VIEW trades AS SELECT * FROM (${parquet}${stagedSql}) QUALIFY row_number() OVER (PARTITION BY symbol, trade_id) = 1`)

        const candlesCsv = join(scratch, "candles.csv")
        const storePath = join(dataDir, "candles.sqlite")
        const rows: Array<string> = []
        if (existsSync(storePath)) {
          const db = new DatabaseSync(storePath, { readOnly: true })
          try {
            const decode = Schema.decodeUnknownSync(Schema.fromJsonString(Candle))
            const p = (u: bigint) => formatUnits(u, PRICE_SCALE, 8)
            const q = (u: bigint) => formatUnits(u, QUOTE_SCALE, 16)
            for (const r of db.prepare("SELECT body FROM candles").all()) {
              const k = decode(String(r["body"]))
              rows.push([k.interval, k.symbol, dateOf(k.openTime), k.openTime, p(k.open), p(k.high), p(k.low), p(k.close), p(k.volume), k.closeTime, q(k.quoteVolume), k.trades, p(k.takerBuyBaseVolume), q(k.takerBuyQuoteVolume), k.complete].join(","))
            }
          } finally {
            db.close()
          }
        }
        writeFileSync(candlesCsv, rows.join("\n"))
        await c.run(`CREATE VIEW candles AS SELECT * FROM read_csv('${candlesCsv}', header = false, columns = {${csvColumnTypes(`interval VARCHAR, symbol VARCHAR, date VARCHAR, ${CANDLE_COLUMNS}`)}})`)

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
    catch: (e) => new QueryFailed({ message: e instanceof Error ? e.message : String(e) })
  })

/** Columns padded to their widest value, with a rule under the header. */
export const formatTable = (r: QueryResult): string => {
  const cells = [r.columns, ...r.rows.map((row) => row.map((v) => v ?? "NULL"))]
  const widths = r.columns.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? "").length)))
  const line = (row: ReadonlyArray<string>) => row.map((v, i) => v.padEnd(widths[i]!)).join("  ").trimEnd()
  return [line(r.columns), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line), `(${r.rows.length} rows)`].join("\n")
}

export const formatCsv = (r: QueryResult): string =>
  [r.columns, ...r.rows.map((row) => row.map((v) => v ?? ""))].map((row) => row.map((v) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v)).join(",")).join("\n")

export const formatJson = (r: QueryResult): string => JSON.stringify(r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i] ?? null]))))
