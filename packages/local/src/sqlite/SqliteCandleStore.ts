/**
 * The local candle store: SQLite (Node's built-in `node:sqlite`) in the data directory. Candles
 * are kept as their schema's JSON, so what is stored is exactly what the contract says; the key
 * columns are there to query by.
 */
import type { DatabaseSync } from "node:sqlite"
import { Effect, Layer, Schema } from "effect"
import { Candle } from "@blockchaincore/core/candle/Candle"
import { CandleStore } from "@blockchaincore/core/ports/CandleStore"
import type { StoreUnavailable } from "@blockchaincore/core/ports/StoreErrors"
import { attempt, inTransaction, openDatabase } from "./LocalDatabase.ts"

const CandleJson = Schema.fromJsonString(Candle)

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS candles (
    symbol TEXT NOT NULL, interval TEXT NOT NULL, open_time INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (symbol, interval, open_time)
  ) WITHOUT ROWID;
`

export const makeSqliteCandleStore = (db: DatabaseSync): CandleStore["Service"] => {
  db.exec(SCHEMA)
  const encodeCandle = Schema.encodeSync(CandleJson)
  const decodeCandle = Schema.decodeUnknownSync(CandleJson)
  const upsert = db.prepare("INSERT INTO candles (symbol, interval, open_time, body) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET body = excluded.body")
  const range = db.prepare("SELECT body FROM candles WHERE symbol = ? AND interval = ? AND open_time BETWEEN ? AND ? ORDER BY open_time ASC LIMIT ?")
  const latest = db.prepare("SELECT body FROM candles WHERE symbol = ? AND interval = ? AND open_time BETWEEN ? AND ? ORDER BY open_time DESC LIMIT ?")
  const symbols = db.prepare("SELECT DISTINCT symbol FROM candles ORDER BY symbol")
  const remove = db.prepare("DELETE FROM candles WHERE symbol = ? AND interval = ? AND open_time = ?")

  return CandleStore.of({
    putCandles: (candles) =>
      attempt("putCandles", () =>
        inTransaction(db, () => {
          for (const c of candles) upsert.run(c.symbol, c.interval, c.openTime, encodeCandle(c))
        })
      ),
    deleteCandles: (keys) =>
      attempt("deleteCandles", () =>
        inTransaction(db, () => {
          for (const k of keys) remove.run(k.symbol, k.interval, k.openTime)
        })
      ),
    candles: (q) =>
      attempt("candles", () => {
        const from = q.startTime ?? 0
        const to = q.endTime ?? Number.MAX_SAFE_INTEGER
        // Binance's klines: with a start, the first `limit` from it; without, the most recent.
        const rows =
          q.startTime !== undefined ? range.all(q.symbol, q.interval, from, to, q.limit) : latest.all(q.symbol, q.interval, from, to, q.limit).reverse()
        return rows.map((r) => decodeCandle(String(r["body"])))
      }),
    symbols: () => attempt("symbols", () => symbols.all().map((r) => String(r["symbol"])))
  })
}

/** The store in the file at `path` (":memory:" for tests), closed with its scope. */
export const layerSqliteCandleStore = (path: string): Layer.Layer<CandleStore, StoreUnavailable> =>
  Layer.effect(CandleStore, Effect.map(openDatabase(path, SCHEMA), makeSqliteCandleStore))
