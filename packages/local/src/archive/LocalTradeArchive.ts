/**
 * The local archive: trades staged in SQLite, one row per symbol part of a batch (a redelivered
 * batch is the same row, by primary key; a trade id is taken once when the parts are read back),
 * compacted with
 * DuckDB into one Parquet file per symbol and hour, and candles into one per interval, symbol and
 * day, under `<data>/archive`. A file is written to a temporary name and renamed, so a reader
 * never sees half of one; recompacting an hour (a late trade) rewrites it whole.
 */
import { mkdirSync } from "node:fs"
import { join } from "node:path"
import { DatabaseSync } from "node:sqlite"
import { DuckDBInstance } from "@duckdb/node-api"
import { Context, Effect, Layer } from "effect"
import type { Candle } from "@blockchaincore/core/candle/Candle"
import { type ArchivedTrade, ArchiveUnavailable, TradeArchive } from "@blockchaincore/core/ports/TradeArchive"
import { TradeStaging } from "@blockchaincore/core/ports/TradeStaging"
import { CANDLE_COLUMNS, candleColumns, candlesKey, DAY_MILLIS, HOUR_MILLIS, STAGED_TRADE_COLUMNS, TRADES_OF_STAGED, tradesKey } from "@blockchaincore/core/archive/ArchiveLayout"
import { encodeStagedBody, stagedBodyOf, stagedRows } from "@blockchaincore/core/archive/StagedTrades"
import { type Row, writeParquetFile } from "@blockchaincore/services/archival/ParquetFile"
import { Scratch } from "@blockchaincore/core/binary/Scratch"
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"

const fail = (what: string) => (e: unknown) => new ArchiveUnavailable({ message: `${what}: ${errorMessage(e)}` })

export const STAGING_SCHEMA = `
  CREATE TABLE IF NOT EXISTS staged_parts (
    symbol TEXT NOT NULL, first_id INTEGER NOT NULL, last_id INTEGER NOT NULL, min_time INTEGER NOT NULL, max_time INTEGER NOT NULL,
    body TEXT NOT NULL, PRIMARY KEY (symbol, first_id, last_id)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS compacted_hours (symbol TEXT NOT NULL, hour_start INTEGER NOT NULL, PRIMARY KEY (symbol, hour_start));
`

/** Staging and compaction share one SQLite file, so one layer provides both ports. */
export const layerLocalTradeArchive = (root: string): Layer.Layer<TradeArchive | TradeStaging, ArchiveUnavailable> =>
  Layer.effectContext(
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
      // SQLite copies each body as it inserts it.
      const scratch = new Scratch()
      const hourParts = db.prepare("SELECT body FROM staged_parts WHERE symbol = ? AND max_time >= ? AND min_time < ?")
      const markCompacted = db.prepare("INSERT OR IGNORE INTO compacted_hours VALUES (?, ?)")

      const writeParquet = (key: string, columns: string, rows: ReadonlyArray<Row>, select?: string) =>
        Effect.tryPromise({ try: () => writeParquetFile(duck, join(root, key), columns, rows, select), catch: fail(`write ${key}`) })

      const staging = TradeStaging.of({
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
                insert.run(symbol, list[0]!.firstId, list.at(-1)!.lastId, minTime, maxTime, encodeStagedBody(list, scratch))
              }
            },
            catch: fail("stage")
          })
      })
      const archive = TradeArchive.of({
        compactHour: (symbol, hourStart) =>
          Effect.gen(function*() {
            const rows = yield* Effect.try({
              try: () => stagedRows(hourParts.all(symbol, hourStart, hourStart + HOUR_MILLIS).map((p) => stagedBodyOf(p["body"]))).filter((r) => r.time >= hourStart && r.time < hourStart + HOUR_MILLIS),
              catch: fail("read staging")
            })
            if (rows.length === 0) return 0
            yield* writeParquet(tradesKey(symbol, hourStart), STAGED_TRADE_COLUMNS, rows.map((r) => r.line), TRADES_OF_STAGED)
            yield* Effect.try({ try: () => markCompacted.run(symbol, hourStart), catch: fail("mark compacted") })
            return rows.length
          }),
        writeCandles: (candles: ReadonlyArray<Candle>) =>
          Effect.gen(function*() {
            const first = candles[0]
            if (first === undefined) return
            yield* writeParquet(candlesKey(first.interval, first.symbol, first.openTime - (first.openTime % DAY_MILLIS)), CANDLE_COLUMNS, candles.map(candleColumns))
          })
      })
      return Context.make(TradeStaging, staging).pipe(Context.add(TradeArchive, archive))
    })
  )
