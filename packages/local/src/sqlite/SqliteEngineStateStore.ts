/**
 * The engine's state per symbol, locally: a table of the SQLite database in the data directory,
 * each state its schema's JSON with a version, saved only over the version it was read at.
 */
import type { DatabaseSync } from "node:sqlite"
import { Effect, Layer, Schema } from "effect"
import { SymbolSnapshot } from "@blockchaincore/core/candle/EngineSnapshot"
import { EngineStateStore, type VersionedState } from "@blockchaincore/core/ports/EngineStateStore"
import { type StoreUnavailable, VersionConflict } from "@blockchaincore/core/ports/StoreErrors"
import { attempt, openDatabase } from "./LocalDatabase.ts"

const StateJson = Schema.fromJsonString(SymbolSnapshot)

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS engine_state (
    symbol TEXT PRIMARY KEY, version INTEGER NOT NULL, body TEXT NOT NULL
  );
`

const makeSqliteEngineStateStore = (db: DatabaseSync): EngineStateStore["Service"] => {
  db.exec(SCHEMA)
  const loadState = db.prepare("SELECT version, body FROM engine_state WHERE symbol = ?")
  const loadVersion = db.prepare("SELECT version FROM engine_state WHERE symbol = ?")
  // The last state this process saved or read, per symbol: a row still at that version need not
  // be read and decoded again (snapshots are immutable values).
  const known = new Map<string, VersionedState>()
  const insertState = db.prepare("INSERT INTO engine_state (symbol, version, body) VALUES (?, 1, ?) ON CONFLICT DO NOTHING")
  const updateState = db.prepare("UPDATE engine_state SET version = version + 1, body = ? WHERE symbol = ? AND version = ?")
  const allStates = db.prepare("SELECT body FROM engine_state")

  return EngineStateStore.of({
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
    // A local runtime holds a few symbols: their states are read whole.
    symbolsWithGaps: attempt("symbolsWithGaps", () =>
      allStates.all().flatMap((row) => {
        const state = Schema.decodeUnknownSync(StateJson)(String(row["body"]))
        return state.gaps.length > 0 ? [state.symbol] : []
      })
    )
  })
}

/** The states in the database file at `path` (":memory:" for tests), closed with its scope. */
export const layerSqliteEngineStateStore = (path: string): Layer.Layer<EngineStateStore, StoreUnavailable> =>
  Layer.effect(EngineStateStore, Effect.map(openDatabase(path, SCHEMA), makeSqliteEngineStateStore))
