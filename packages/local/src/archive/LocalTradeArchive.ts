/**
 * The local archive: trades staged in SQLite, one row per symbol part of a batch (a redelivered
 * batch is the same row, by primary key; a trade id is taken once when the parts are read back),
 * then compacted into Parquet under `<data>/archive` (ArchiveFiles.ts) on the archive's worker
 * thread. Staging stays on the pipeline's thread: a batch leaves the queue only once its trades
 * are staged, and an insert costs less than a round trip to another thread.
 */
import { mkdirSync } from "node:fs"
import { join } from "node:path"
import { DatabaseSync } from "node:sqlite"
import { Context, Effect, Layer } from "effect"
import { encodeStagedBody } from "@blockchaincore/core/archive/StagedTrades"
import { Scratch } from "@blockchaincore/core/binary/Scratch"
import { type ArchivedTrade, type ArchiveUnavailable, TradeArchive } from "@blockchaincore/core/ports/TradeArchive"
import { TradeStaging } from "@blockchaincore/core/ports/TradeStaging"
import { archiveFailure as fail, STAGING_FILE } from "./ArchiveFiles.ts"
import { ArchiveWorker } from "./ArchiveWorkerClient.ts"

const STAGING_SCHEMA = `
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
            // A backfill beside the runtime stages into the same file: a writer waits for the other's lock.
            const db = new DatabaseSync(join(root, STAGING_FILE), { timeout: 5_000 })
            db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL")
            db.exec(STAGING_SCHEMA)
            return db
          },
          catch: fail("open staging")
        }),
        (db) => Effect.sync(() => db.close())
      )
      const files = yield* ArchiveWorker
      const insert = db.prepare("INSERT OR IGNORE INTO staged_parts VALUES (?, ?, ?, ?, ?, ?)")
      const markCompacted = db.prepare("INSERT OR IGNORE INTO compacted_hours VALUES (?, ?)")
      // SQLite copies each body as it inserts it.
      const scratch = new Scratch()

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
          files.compactHour(symbol, hourStart).pipe(
            Effect.tap((count) => count === 0 ? Effect.void : Effect.try({ try: () => markCompacted.run(symbol, hourStart), catch: fail("mark compacted") }))
          ),
        writeCandles: files.writeCandles
      })
      return Context.make(TradeStaging, staging).pipe(Context.add(TradeArchive, archive))
    })
  ).pipe(Layer.provide(ArchiveWorker.layer(root)))
