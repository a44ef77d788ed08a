/**
 * The local archive: trades staged in SQLite, one row per symbol and hour of a batch (a
 * redelivered batch is the same rows, by primary key; a trade id is taken once when the parts are
 * read back), then compacted into Parquet under `<data>/archive` (ArchiveFiles.ts) on the
 * archive's worker thread. Staging stays on the pipeline's thread: a batch leaves the queue only
 * once its trades are staged, and an insert costs less than a round trip to another thread.
 *
 * Once an hour's file holds them, the parts the compaction read are pruned, so the data directory
 * grows by the Parquet only. A process killed at any point (not a power cut: nothing is fsynced
 * before the pruning) loses no trade and archives none twice: before
 * the file is renamed into place the parts are all still staged; after it, and before they are
 * pruned, they are in both, which a compaction merges (each trade id once) and the start-up sweep
 * compacts again; a part staged while its hour was being compacted is not among those pruned.
 */
import { existsSync } from "node:fs"
import { join } from "node:path"
import { connectSqlite } from "../sqlite/LocalDatabase.ts"
import { Context, Effect, Layer } from "effect"
import { tradesKey } from "@blockchaincore/adapters/formats/ArchiveLayout"
import { HOUR_MILLIS } from "@blockchaincore/core/time/UtcTime"
import { encodeStagedBody } from "@blockchaincore/adapters/formats/StagedTrades"
import { Scratch } from "@blockchaincore/adapters/formats/Scratch"
import { type ArchivedTrade, type ArchiveUnavailable, TradeArchive } from "@blockchaincore/core/ports/TradeArchive"
import { TradeStaging } from "@blockchaincore/core/ports/TradeStaging"
import { archiveFailure as fail, STAGING_FILE } from "./ArchiveFiles.ts"
import type { Compacted } from "./ArchiveRpcs.ts"
import { inTransaction } from "../sqlite/LocalDatabase.ts"
import { ArchiveWorker } from "./ArchiveWorkerClient.ts"

const STAGING_SCHEMA = `
  CREATE TABLE IF NOT EXISTS staged_parts (
    symbol TEXT NOT NULL, first_id INTEGER NOT NULL, last_id INTEGER NOT NULL, min_time INTEGER NOT NULL, max_time INTEGER NOT NULL,
    body TEXT NOT NULL, PRIMARY KEY (symbol, first_id, last_id)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS compacted_hours (symbol TEXT NOT NULL, hour_start INTEGER NOT NULL, PRIMARY KEY (symbol, hour_start));
`

/** Staging and compaction share one SQLite file, so one layer provides both ports. */
export const layerDuckdbTradeArchive = (
  root: string,
  files: Layer.Layer<ArchiveWorker, ArchiveUnavailable> = ArchiveWorker.layer(root)
): Layer.Layer<TradeArchive | TradeStaging, ArchiveUnavailable> =>
  Layer.effectContext(
    Effect.gen(function* () {
      const db = yield* Effect.acquireRelease(
        Effect.try({
          try: () => {
            // A backfill beside the runtime stages into the same file: a writer waits for the other's lock.
            const db = connectSqlite(join(root, STAGING_FILE), "write")
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
              // One part per symbol and hour: each is pruned whole once its hour's file holds it.
              const byHour = new Map<string, Array<ArchivedTrade>>()
              for (const t of trades) {
                const key = `${t.symbol}|${t.time - (t.time % HOUR_MILLIS)}`
                const list = byHour.get(key)
                if (list === undefined) byHour.set(key, [t])
                else list.push(t)
              }
              for (const list of byHour.values()) {
                const symbol = list[0]!.symbol
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
      const prune = db.prepare("DELETE FROM staged_parts WHERE symbol = ? AND first_id = ? AND last_id = ? AND min_time >= ? AND max_time < ?")
      /** The hour's file holds what the compaction read: it is marked compacted and those parts go, together. */
      const settle = (symbol: string, hourStart: number, compacted: Compacted) =>
        Effect.try({
          try: () => {
            if (compacted.trades === 0) return
            inTransaction(db, () => {
              markCompacted.run(symbol, hourStart)
              // Parts reaching into another hour (staged before parts were cut by hour) stay for that hour's compaction.
              for (const part of compacted.parts) prune.run(symbol, part.firstId, part.lastId, hourStart, hourStart + HOUR_MILLIS)
            })
          },
          catch: fail("prune staging")
        })
      const compactHour = (symbol: string, hourStart: number) =>
        files.compactHour(symbol, hourStart).pipe(
          Effect.tap((compacted) => settle(symbol, hourStart, compacted)),
          Effect.map((c) => c.trades)
        )
      const archive = TradeArchive.of({ compactHour, writeCandles: files.writeCandles })

      // Parts still staged for an hour whose file exists: a stop between a file and its pruning, or
      // late trades not compacted yet. Compacting them now merges them in and prunes them.
      const leftovers = db.prepare("SELECT DISTINCT symbol, min_time - (min_time % ?) AS hour FROM staged_parts").all(HOUR_MILLIS)
      for (const row of leftovers) {
        const symbol = String(row["symbol"])
        const hour = Number(row["hour"])
        if (existsSync(join(root, tradesKey(symbol, hour)))) yield* compactHour(symbol, hour)
      }
      return Context.make(TradeStaging, staging).pipe(Context.add(TradeArchive, archive))
    })
  ).pipe(Layer.provide(files))
