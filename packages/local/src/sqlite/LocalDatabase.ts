/**
 * Opening one of the local runtime's SQLite files (Node's built-in `node:sqlite`) in the data
 * directory: WAL with NORMAL sync, which survives the process being killed (not a power cut) at a
 * fraction of the fsyncs, and a writer that waits for another's lock. Closed with its scope.
 */
import { mkdirSync } from "node:fs"
import { dirname } from "node:path"
import { DatabaseSync } from "node:sqlite"
import { Effect, type Scope } from "effect"
import { StoreUnavailable } from "@blockchaincore/core/ports/StoreErrors"
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"

/** `run` as an Effect, its failure a `StoreUnavailable` naming `what`. */
export const attempt = <A>(what: string, run: () => A): Effect.Effect<A, StoreUnavailable> =>
  Effect.try({ try: run, catch: (e) => new StoreUnavailable({ message: `${what}: ${errorMessage(e)}` }) })

/**
 * The one way a SQLite file is opened. A writer's connection journals in WAL mode with NORMAL sync
 * (it survives the process being killed, not a power cut, at a fraction of the fsyncs) and waits
 * up to 5 s for another writer's lock (a backfill beside the runtime); a reader's is read-only.
 */
export const connectSqlite = (path: string, mode: "write" | "read"): DatabaseSync => {
  if (mode === "read") return new DatabaseSync(path, { readOnly: true })
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true })
  const db = new DatabaseSync(path, { timeout: 5_000 })
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL")
  return db
}

/** The database in the file at `path` (":memory:" for tests), with `schema` created if missing. */
export const openDatabase = (path: string, schema: string): Effect.Effect<DatabaseSync, StoreUnavailable, Scope.Scope> =>
  Effect.acquireRelease(
    attempt(`open ${path}`, () => {
      const db = connectSqlite(path, "write")
      db.exec(schema)
      return db
    }),
    (db) => Effect.sync(() => db.close())
  )

/** Runs `body` in one transaction: all of it or none. */
export const inTransaction = <A>(db: DatabaseSync, body: () => A): A => {
  db.exec("BEGIN IMMEDIATE")
  try {
    const result = body()
    db.exec("COMMIT")
    return result
  } catch (e) {
    db.exec("ROLLBACK")
    throw e
  }
}
