/**
 * The archive's files under `<data>/archive`: one Parquet file per symbol and hour of trades,
 * compacted from the staging table, and one per interval, symbol and day of candles. A file is
 * written to a temporary name and renamed, so a reader never sees half of one. Staged parts are
 * pruned once their hour's file holds them (DuckdbTradeArchive.ts), so compacting an hour again (a
 * late trade) merges what is staged now into the file, each trade id once. This runs on the
 * archive's worker thread (ArchiveWorker.ts).
 */
import { join } from "node:path"
import { connectSqlite } from "../sqlite/LocalDatabase.ts"
import { DuckDBInstance } from "@duckdb/node-api"
import { Effect, type Scope } from "effect"
import type { Candle } from "@blockchaincore/core/candle/Candle"
import { CANDLE_COLUMNS, candleColumns, candlesKey, STAGED_TRADE_COLUMNS, TRADES_OF_STAGED, tradesKey } from "@blockchaincore/adapters/formats/ArchiveLayout"
import { DAY_MILLIS, HOUR_MILLIS } from "@blockchaincore/core/time/UtcTime"
import { stagedBodyOf, stagedRows } from "@blockchaincore/adapters/formats/StagedTrades"
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"
import { ArchiveUnavailable } from "@blockchaincore/core/ports/TradeArchive"
import { type Row, writeParquetFile } from "@blockchaincore/adapters/parquet/ParquetFile"
import type { Compacted } from "./ArchiveRpcs.ts"

export const STAGING_FILE = "staging.sqlite"

export const archiveFailure = (what: string) => (e: unknown) => new ArchiveUnavailable({ message: `${what}: ${errorMessage(e)}` })
const fail = archiveFailure

export interface ArchiveFiles {
  /** Merges the staged trades of `symbol` in the hour from `hourStart` into that hour's file; the parts it read. */
  readonly compactHour: (symbol: string, hourStart: number) => Effect.Effect<Compacted, ArchiveUnavailable>
  readonly writeCandles: (candles: ReadonlyArray<Candle>) => Effect.Effect<void, ArchiveUnavailable>
}

export const makeArchiveFiles = (root: string): Effect.Effect<ArchiveFiles, ArchiveUnavailable, Scope.Scope> =>
  Effect.gen(function* () {
    // Closed with the scope, after any file being written: a DuckDB left open when its thread ends
    // aborts the process. Bounded: by default DuckDB may take 80% of the machine's memory, and
    // keeps up to 128 MB it has freed after a query; a file is written every hour or so, so
    // what it freed goes back at once.
    const duck = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => DuckDBInstance.create(":memory:", { memory_limit: "256MB", allocator_flush_threshold: "8MB" }),
        catch: fail("start DuckDB")
      }),
      (instance) => Effect.sync(() => instance.closeSync())
    )
    const writeParquet = (key: string, columns: string, rows: ReadonlyArray<Row>, select?: string, mergeOn?: string) =>
      Effect.tryPromise({ try: () => writeParquetFile(duck, join(root, key), columns, rows, select, mergeOn), catch: fail(`write ${key}`) }).pipe(
        Effect.uninterruptible
      )

    // A read-only connection of its own per compaction: the pipeline's thread is the staging table's one writer.
    const readHour = (symbol: string, hourStart: number) =>
      Effect.try({
        try: () => {
          const db = connectSqlite(join(root, STAGING_FILE), "read")
          try {
            const parts = db
              .prepare("SELECT first_id, last_id, body FROM staged_parts WHERE symbol = ? AND max_time >= ? AND min_time < ?")
              .all(symbol, hourStart, hourStart + HOUR_MILLIS)
            return {
              rows: stagedRows(parts.map((p) => stagedBodyOf(p["body"]))).filter((r) => r.time >= hourStart && r.time < hourStart + HOUR_MILLIS),
              parts: parts.map((p) => ({ firstId: Number(p["first_id"]), lastId: Number(p["last_id"]) }))
            }
          } finally {
            db.close()
          }
        },
        catch: fail("read staging")
      })

    return {
      compactHour: (symbol, hourStart) =>
        Effect.gen(function* () {
          const { rows, parts } = yield* readHour(symbol, hourStart)
          if (rows.length > 0)
            yield* writeParquet(
              tradesKey(symbol, hourStart),
              STAGED_TRADE_COLUMNS,
              rows.map((r) => r.line),
              TRADES_OF_STAGED,
              "trade_id"
            )
          return { trades: rows.length, parts }
        }),
      writeCandles: (candles) =>
        Effect.gen(function* () {
          const first = candles[0]
          if (first === undefined) return
          yield* writeParquet(
            candlesKey(first.interval, first.symbol, first.openTime - (first.openTime % DAY_MILLIS)),
            CANDLE_COLUMNS,
            candles.map(candleColumns)
          )
        })
    }
  })
