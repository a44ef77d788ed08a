/**
 * The local archive: trades staged in SQLite (a trade id once, by primary key), compacted with
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
import { ArchiveUnavailable, TradeArchive } from "@blockchaincore/core/ports/TradeArchive"
import { CANDLE_COLUMNS, candlesFile, TRADE_COLUMNS, tradesFile } from "./ArchiveLayout.ts"

const HOUR = 3_600_000

const fail = (what: string) => (e: unknown) => new ArchiveUnavailable({ message: `${what}: ${e instanceof Error ? e.message : String(e)}` })

/** Rows as CSV for DuckDB to read with declared column types: decimals stay text until DuckDB parses them exactly. */
const csv = (rows: ReadonlyArray<ReadonlyArray<string | number | boolean>>) => rows.map((r) => r.join(",")).join("\n")

export const STAGING_SCHEMA = `
  CREATE TABLE IF NOT EXISTS staged_trades (
    symbol TEXT NOT NULL, trade_id INTEGER NOT NULL, price TEXT NOT NULL, qty TEXT NOT NULL, quote_qty TEXT NOT NULL,
    trade_time INTEGER NOT NULL, is_buyer_maker INTEGER NOT NULL, is_large INTEGER NOT NULL, PRIMARY KEY (symbol, trade_id)
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
            db.exec(STAGING_SCHEMA)
            return db
          },
          catch: fail("open staging")
        }),
        (db) => Effect.sync(() => db.close())
      )
      const duck = yield* Effect.tryPromise({ try: () => DuckDBInstance.create(":memory:"), catch: fail("start DuckDB") })
      const insert = db.prepare("INSERT OR IGNORE INTO staged_trades VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      const hourRows = db.prepare("SELECT * FROM staged_trades WHERE symbol = ? AND trade_time >= ? AND trade_time < ? ORDER BY trade_id")
      const markCompacted = db.prepare("INSERT OR IGNORE INTO compacted_hours VALUES (?, ?)")

      /** Writes rows to `file` as Parquet through DuckDB, atomically. */
      const writeParquet = (file: string, columns: string, rows: ReadonlyArray<ReadonlyArray<string | number | boolean>>) =>
        Effect.tryPromise({
          try: async () => {
            mkdirSync(dirname(file), { recursive: true })
            const source = `${file}.csv`
            const temporary = `${file}.tmp`
            writeFileSync(source, csv(rows))
            const connection = await duck.connect()
            try {
              const types = columns.split(", ").map((c) => `'${c.split(" ")[0]}': '${c.split(" ").slice(1).join(" ")}'`).join(", ")
              await connection.run(`COPY (SELECT * FROM read_csv('${source}', header = false, columns = {${types}})) TO '${temporary}' (FORMAT parquet)`)
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
              db.exec("BEGIN")
              try {
                for (const t of trades) {
                  insert.run(t.symbol, t.firstId, formatUnits(t.price, PRICE_SCALE, 8), formatUnits(t.qty, PRICE_SCALE, 8), formatUnits(t.price * t.qty, QUOTE_SCALE, 16), t.time, t.buyerIsMaker ? 1 : 0, t.large ? 1 : 0)
                }
                db.exec("COMMIT")
              } catch (e) {
                db.exec("ROLLBACK")
                throw e
              }
            },
            catch: fail("stage")
          }),
        compactHour: (symbol, hourStart) =>
          Effect.gen(function*() {
            const rows = yield* Effect.try({ try: () => hourRows.all(symbol, hourStart, hourStart + HOUR), catch: fail("read staging") })
            if (rows.length === 0) return 0
            yield* writeParquet(
              tradesFile(root, symbol, hourStart),
              TRADE_COLUMNS,
              rows.map((r) => [Number(r["trade_id"]), String(r["price"]), String(r["qty"]), String(r["quote_qty"]), Number(r["trade_time"]), Number(r["is_buyer_maker"]) === 1, Number(r["is_large"]) === 1])
            )
            yield* Effect.try({ try: () => markCompacted.run(symbol, hourStart), catch: fail("mark compacted") })
            return rows.length
          }),
        writeCandles: (candles: ReadonlyArray<Candle>) =>
          Effect.gen(function*() {
            const first = candles[0]
            if (first === undefined) return
            const p = (u: bigint) => formatUnits(u, PRICE_SCALE, 8)
            const q = (u: bigint) => formatUnits(u, QUOTE_SCALE, 16)
            yield* writeParquet(
              candlesFile(root, first.interval, first.symbol, first.openTime - (first.openTime % 86_400_000)),
              CANDLE_COLUMNS,
              candles.map((c) => [c.openTime, p(c.open), p(c.high), p(c.low), p(c.close), p(c.volume), c.closeTime, q(c.quoteVolume), c.trades, p(c.takerBuyBaseVolume), q(c.takerBuyQuoteVolume), c.complete])
            )
          })
      })
    })
  )
