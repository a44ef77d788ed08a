/**
 * The local archive: trades staged in SQLite, one row per symbol part of a batch (a redelivered
 * batch is the same row, by primary key; a trade id is taken once when the parts are read back),
 * compacted with
 * DuckDB into one Parquet file per symbol and hour, and candles into one per interval, symbol and
 * day, under `<data>/archive`. A file is written to a temporary name and renamed, so a reader
 * never sees half of one; recompacting an hour (a late trade) rewrites it whole.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { DatabaseSync } from "node:sqlite"
import { DuckDBInstance } from "@duckdb/node-api"
import { Effect, Layer } from "effect"
import type { Candle } from "@blockchaincore/core/candle/Candle"
import { formatUnits, PRICE_SCALE, QUOTE_SCALE } from "@blockchaincore/core/decimal/Decimal"
import { type ArchivedTrade, ArchiveUnavailable, TradeArchive } from "@blockchaincore/core/ports/TradeArchive"
import { CANDLE_COLUMNS, candleColumns, candlesFile, csvColumnTypes, TRADE_COLUMNS, tradesFile } from "./ArchiveLayout.ts"

const HOUR = 3_600_000

/**
 * A staged part: its trades as lines of the archive's CSV (TRADE_COLUMNS), formatted once when
 * staged, so compaction only has to pick lines and hand them to DuckDB.
 */
const encodeStaged = (trades: ReadonlyArray<ArchivedTrade>): string =>
  trades
    .map((t) =>
      `${t.firstId},${formatUnits(t.price, PRICE_SCALE, 8)},${formatUnits(t.qty, PRICE_SCALE, 8)},${formatUnits(t.price * t.qty, QUOTE_SCALE, 16)},${t.time},${t.buyerIsMaker},${t.large}`
    )
    .join("\n")

export interface StagedRow {
  readonly id: number
  readonly time: number
  /** The row in TRADE_COLUMNS order, as CSV. */
  readonly line: string
}

const STAGED_LINE = /^(0|[1-9][0-9]{0,15}),[0-9]+\.[0-9]{8},[0-9]+\.[0-9]{8},[0-9]+\.[0-9]{16},([0-9]{1,16}),(true|false),(true|false)$/

/** The trades of staged parts, each id once, in id order; a line not of that shape is a corrupt store. */
export const stagedRows = (bodies: ReadonlyArray<string>): Array<StagedRow> => {
  const byId = new Map<number, StagedRow>()
  for (const body of bodies) {
    for (const line of body.split("\n")) {
      const m = STAGED_LINE.exec(line)
      if (m === null) throw new Error(`corrupt staged trade: ${line.slice(0, 120)}`)
      const id = Number(m[1])
      byId.set(id, { id, time: Number(m[2]), line })
    }
  }
  return [...byId.values()].sort((a, b) => a.id - b.id)
}

const fail = (what: string) => (e: unknown) => new ArchiveUnavailable({ message: `${what}: ${e instanceof Error ? e.message : String(e)}` })

/** Rows as CSV for DuckDB to read with declared column types: decimals stay text until DuckDB parses them exactly. */
const csv = (rows: ReadonlyArray<string | ReadonlyArray<string | number | boolean>>) => rows.map((r) => (typeof r === "string" ? r : r.join(","))).join("\n")

export const STAGING_SCHEMA = `
  CREATE TABLE IF NOT EXISTS staged_parts (
    symbol TEXT NOT NULL, first_id INTEGER NOT NULL, last_id INTEGER NOT NULL, min_time INTEGER NOT NULL, max_time INTEGER NOT NULL,
    body TEXT NOT NULL, PRIMARY KEY (symbol, first_id, last_id)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS compacted_hours (symbol TEXT NOT NULL, hour_start INTEGER NOT NULL, PRIMARY KEY (symbol, hour_start));
`

export const layerLocalTradeArchive = (root: string): Layer.Layer<TradeArchive, ArchiveUnavailable> =>
  Layer.effect(
    TradeArchive,
    Effect.gen(function*() {
      const db = yield* Effect.acquireRelease(
        Effect.try({
          try: () => {
            mkdirSync(root, { recursive: true })
            const db = new DatabaseSync(join(root, "staging.sqlite"))
            db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL")
            db.exec(STAGING_SCHEMA)
            return db
          },
          catch: fail("open staging")
        }),
        (db) => Effect.sync(() => db.close())
      )
      const duck = yield* Effect.tryPromise({ try: () => DuckDBInstance.create(":memory:"), catch: fail("start DuckDB") })
      const insert = db.prepare("INSERT OR IGNORE INTO staged_parts VALUES (?, ?, ?, ?, ?, ?)")
      const hourParts = db.prepare("SELECT body FROM staged_parts WHERE symbol = ? AND max_time >= ? AND min_time < ?")
      const markCompacted = db.prepare("INSERT OR IGNORE INTO compacted_hours VALUES (?, ?)")

      /** Writes rows to `file` as Parquet through DuckDB, atomically. */
      const writeParquet = (file: string, columns: string, rows: ReadonlyArray<string | ReadonlyArray<string | number | boolean>>) =>
        Effect.tryPromise({
          try: async () => {
            mkdirSync(dirname(file), { recursive: true })
            const source = `${file}.csv`
            const temporary = `${file}.tmp`
            writeFileSync(source, csv(rows))
            const connection = await duck.connect()
            try {
              await connection.run(`COPY (SELECT * FROM read_csv('${source}', header = false, columns = {${csvColumnTypes(columns)}})) TO '${temporary}' (FORMAT parquet)`)
            } finally {
              connection.closeSync()
              rmSync(source, { force: true })
            }
            renameSync(temporary, file)
          },
          catch: fail(`write ${file}`)
        })

      return TradeArchive.of({
        stage: (trades) =>
          Effect.try({
            try: () => {
              const bySymbol = new Map<string, Array<ArchivedTrade>>()
              for (const t of trades) {
                const list = bySymbol.get(t.symbol)
                if (list === undefined) bySymbol.set(t.symbol, [t])
                else list.push(t)
              }
              for (const [symbol, list] of bySymbol) {
                let minTime = Infinity
                let maxTime = -Infinity
                for (const t of list) {
                  if (t.time < minTime) minTime = t.time
                  if (t.time > maxTime) maxTime = t.time
                }
                insert.run(symbol, list[0]!.firstId, list.at(-1)!.lastId, minTime, maxTime, encodeStaged(list))
              }
            },
            catch: fail("stage")
          }),
        compactHour: (symbol, hourStart) =>
          Effect.gen(function*() {
            const rows = yield* Effect.try({
              try: () => stagedRows(hourParts.all(symbol, hourStart, hourStart + HOUR).map((p) => String(p["body"]))).filter((r) => r.time >= hourStart && r.time < hourStart + HOUR),
              catch: fail("read staging")
            })
            if (rows.length === 0) return 0
            yield* writeParquet(tradesFile(root, symbol, hourStart), TRADE_COLUMNS, rows.map((r) => r.line))
            yield* Effect.try({ try: () => markCompacted.run(symbol, hourStart), catch: fail("mark compacted") })
            return rows.length
          }),
        writeCandles: (candles: ReadonlyArray<Candle>) =>
          Effect.gen(function*() {
            const first = candles[0]
            if (first === undefined) return
            yield* writeParquet(candlesFile(root, first.interval, first.symbol, first.openTime - (first.openTime % 86_400_000)), CANDLE_COLUMNS, candles.map(candleColumns))
          })
      })
    })
  )
