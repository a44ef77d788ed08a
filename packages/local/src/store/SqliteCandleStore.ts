/**
 * The local candle store: SQLite (Node's built-in `node:sqlite`) in the data directory. Candles
 * and engine states are kept as their schemas' JSON, so what is stored is exactly what the
 * contracts say; the key columns are there to query by.
 */
import type { DatabaseSync } from "node:sqlite"
import { Effect, Layer, Schema } from "effect"
import { Candle } from "@blockchaincore/core/candle/Candle"
import { SymbolSnapshot } from "@blockchaincore/core/candle/EngineSnapshot"
import { CandleStore, type StoreUnavailable, VersionConflict, type VersionedState } from "@blockchaincore/core/ports/CandleStore"
import { attempt, inTransaction, openDatabase } from "./LocalDatabase.ts"

const CandleJson = Schema.fromJsonString(Candle)
const StateJson = Schema.fromJsonString(SymbolSnapshot)

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS candles (
    symbol TEXT NOT NULL, interval TEXT NOT NULL, open_time INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (symbol, interval, open_time)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS engine_state (
    symbol TEXT PRIMARY KEY, version INTEGER NOT NULL, body TEXT NOT NULL
  );
`

export const makeSqliteCandleStore = (db: DatabaseSync): CandleStore["Service"] => {
  db.exec(SCHEMA)
  const encodeCandle = Schema.encodeSync(CandleJson)
  const decodeCandle = Schema.decodeUnknownSync(CandleJson)
  const upsert = db.prepare("INSERT INTO candles (symbol, interval, open_time, body) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET body = excluded.body")
  const loadState = db.prepare("SELECT version, body FROM engine_state WHERE symbol = ?")
  const loadVersion = db.prepare("SELECT version FROM engine_state WHERE symbol = ?")
  // The last state this process saved or read, per symbol: a row still at that version need not
  // be read and decoded again (snapshots are immutable values).
  const known = new Map<string, VersionedState>()
  const insertState = db.prepare("INSERT INTO engine_state (symbol, version, body) VALUES (?, 1, ?) ON CONFLICT DO NOTHING")
  const updateState = db.prepare("UPDATE engine_state SET version = version + 1, body = ? WHERE symbol = ? AND version = ?")
  const range = db.prepare("SELECT body FROM candles WHERE symbol = ? AND interval = ? AND open_time BETWEEN ? AND ? ORDER BY open_time ASC LIMIT ?")
  const latest = db.prepare("SELECT body FROM candles WHERE symbol = ? AND interval = ? AND open_time BETWEEN ? AND ? ORDER BY open_time DESC LIMIT ?")
  const symbols = db.prepare("SELECT DISTINCT symbol FROM candles ORDER BY symbol")

  return CandleStore.of({
    loadState: (symbol) =>
      attempt("loadState", () => {
        const cached = known.get(symbol)
        if (cached !== undefined && Number(loadVersion.get(symbol)?.["version"] ?? 0) === cached.version) return cached
        const row = loadState.get(symbol)
        if (row === undefined) return { version: 0, state: undefined }
        const state: VersionedState = { version: Number(row["version"]), state: Schema.decodeUnknownSync(StateJson)(String(row["body"])) }
        known.set(symbol, state)
        return state
      }),
    saveState: (symbol, state, expectedVersion) =>
      attempt("saveState", () => {
        const body = Schema.encodeSync(StateJson)(state)
        const changes = expectedVersion === 0 ? insertState.run(symbol, body).changes : updateState.run(body, symbol, expectedVersion).changes
        const saved = Number(changes) === 1
        if (saved) known.set(symbol, { version: expectedVersion + 1, state })
        return saved
      }).pipe(
        Effect.flatMap((saved) => (saved ? Effect.succeed(expectedVersion + 1) : Effect.fail(new VersionConflict({ symbol, expected: expectedVersion }))))
      ),
    putCandles: (candles) =>
      attempt("putCandles", () => inTransaction(db, () => {
        for (const c of candles) upsert.run(c.symbol, c.interval, c.openTime, encodeCandle(c))
      })),
    candles: (q) =>
      attempt("candles", () => {
        const from = q.startTime ?? 0
        const to = q.endTime ?? Number.MAX_SAFE_INTEGER
        // Binance's klines: with a start, the first `limit` from it; without, the most recent.
        const rows = q.startTime !== undefined ? range.all(q.symbol, q.interval, from, to, q.limit) : latest.all(q.symbol, q.interval, from, to, q.limit).reverse()
        return rows.map((r) => decodeCandle(String(r["body"])))
      }),
    symbols: () => attempt("symbols", () => symbols.all().map((r) => String(r["symbol"])))
  })
}

/** The store in the file at `path` (":memory:" for tests), closed with its scope. */
export const layerSqliteCandleStore = (path: string): Layer.Layer<CandleStore, StoreUnavailable> =>
  Layer.effect(CandleStore, Effect.map(openDatabase(path, SCHEMA), makeSqliteCandleStore))
