/**
 * Staging is pruned once its hour is in Parquet, and a crash at any point between staging,
 * compaction and pruning loses no trade and archives none twice. A process here is the archive's
 * layer on one data directory; a crash between an hour's file and its pruning is the worker's
 * compaction run alone (the file written, nothing pruned), then a new process on the directory.
 */
import { existsSync, mkdtempSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { DatabaseSync } from "node:sqlite"
import fc from "fast-check"
import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { type ArchivedTrade, TradeArchive } from "@blockchaincore/core/ports/TradeArchive"
import { TradeStaging } from "@blockchaincore/core/ports/TradeStaging"
import { makeArchiveFiles, STAGING_FILE } from "../src/duckdb/ArchiveFiles.ts"
import { layerDuckdbTradeArchive } from "../src/duckdb/DuckdbTradeArchive.ts"
import { queryArchive } from "../src/duckdb/ArchiveQuery.ts"
import { tradeAt } from "@blockchaincore/testkit/builders"

const H = 3_600_000
const HOUR0 = Date.UTC(2024, 7, 9, 0)

type Step =
  | { readonly _tag: "stage"; readonly trades: ReadonlyArray<ArchivedTrade> }
  | { readonly _tag: "compact"; readonly hour: number }
  | { readonly _tag: "crashAfterFile"; readonly hour: number }

/** One process on `dataDir`: the archive's layer, built, used and closed. */
const process = (dataDir: string, body: Effect.Effect<void, unknown, TradeArchive | TradeStaging>) =>
  Effect.runPromise(
    Effect.scoped(Effect.flatMap(Layer.build(layerDuckdbTradeArchive(join(dataDir, "archive"))), (context) => Effect.provideContext(body, context)))
  )

const stagedParts = (dataDir: string): number => {
  const path = join(dataDir, "archive", STAGING_FILE)
  if (!existsSync(path)) return 0
  const db = new DatabaseSync(path, { readOnly: true })
  try {
    return Number(db.prepare("SELECT count(*) AS n FROM staged_parts").get()?.["n"] ?? 0)
  } finally {
    db.close()
  }
}

const archivedIds = async (dataDir: string) =>
  (await Effect.runPromise(queryArchive(dataDir, "SELECT trade_id FROM trades ORDER BY trade_id"))).rows.map((r) => Number(r[0]))

/** Steps as a process runs them, one process until a crash, then the next. */
const run = async (dataDir: string, steps: ReadonlyArray<Step>) => {
  let pending: Array<Step> = []
  const flush = () =>
    process(
      dataDir,
      Effect.forEach(
        pending.splice(0),
        (step): Effect.Effect<void, unknown, TradeArchive | TradeStaging> =>
          step._tag === "stage" ? TradeStaging.use((s) => s.stage(step.trades)) : TradeArchive.use((a) => Effect.asVoid(a.compactHour("BTCUSDT", step.hour))),
        { discard: true }
      )
    )
  for (const step of steps) {
    if (step._tag !== "crashAfterFile") {
      pending.push(step)
      continue
    }
    await flush()
    // The file is written and renamed; the process dies before it prunes.
    await Effect.runPromise(Effect.scoped(Effect.flatMap(makeArchiveFiles(join(dataDir, "archive")), (files) => files.compactHour("BTCUSDT", step.hour))))
  }
  await flush()
}

describe("staging, compaction and pruning", () => {
  it("lose no trade and archive none twice, wherever a process stops", async () => {
    const trades = Array.from({ length: 90 }, (_, i) => tradeAt("BTCUSDT", 1_000 + i, HOUR0 + Math.floor((i * 3 * H) / 90)))
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 3, maxLength: 8 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom("compact", "crashAfterFile")), { minLength: 1, maxLength: 6 }),
        async (sizes, interruptions) => {
          // The trades in batches (the last cut where the sizes run out), compactions and crashes in between.
          const batches: Array<ReadonlyArray<ArchivedTrade>> = []
          for (let at = 0, i = 0; at < trades.length; i++) {
            const size = i < sizes.length ? sizes[i]! : trades.length - at
            batches.push(trades.slice(at, at + size))
            at += size
          }
          const steps: Array<Step> = batches.map((b) => ({ _tag: "stage", trades: b }))
          for (const [n, kind] of interruptions) steps.splice(n % (steps.length + 1), 0, { _tag: kind, hour: HOUR0 + (n % 3) * H })
          // The end of the run: every hour compacted.
          for (let h = 0; h < 3; h++) steps.push({ _tag: "compact", hour: HOUR0 + h * H })
          const dataDir = mkdtempSync(join(tmpdir(), "blockchaincore-prune-"))
          await run(dataDir, steps)
          expect(await archivedIds(dataDir)).toEqual(trades.map((t) => t.firstId))
          expect(stagedParts(dataDir)).toBe(0)
          // And a late trade for an hour already compacted ends in its file, once.
          const late = tradeAt("BTCUSDT", 999, HOUR0 + 10)
          await run(dataDir, [
            { _tag: "stage", trades: [late] },
            { _tag: "stage", trades: [late] },
            { _tag: "compact", hour: HOUR0 }
          ])
          expect(await archivedIds(dataDir)).toEqual([999, ...trades.map((t) => t.firstId)])
          expect(stagedParts(dataDir)).toBe(0)
        }
      ),
      { numRuns: 6 }
    )
  })

  it("keeps staging to about an hour of trades however many hours are archived: the data directory grows by the Parquet only", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "blockchaincore-prune-growth-"))
    const staging = join(dataDir, "archive", STAGING_FILE)
    const HOURS = 12
    const PER_HOUR = 20_000
    let oneHour = 0
    await process(
      dataDir,
      Effect.gen(function* () {
        for (let h = 0; h < HOURS; h++) {
          const hour = Array.from({ length: PER_HOUR }, (_, i) => tradeAt("BTCUSDT", 10_000 + h * PER_HOUR + i, HOUR0 + h * H + Math.floor(i * (H / PER_HOUR))))
          for (let i = 0; i < hour.length; i += 500) yield* TradeStaging.use((s) => s.stage(hour.slice(i, i + 500)))
          // What one hour takes staged, before its compaction.
          if (h === 0) oneHour = statSync(staging).size + statSync(`${staging}-wal`).size
          yield* TradeArchive.use((a) => a.compactHour("BTCUSDT", HOUR0 + h * H))
        }
      })
    )
    expect(stagedParts(dataDir)).toBe(0)
    // The process is gone and its WAL checkpointed: SQLite reused the pages each pruning freed.
    expect(statSync(staging).size).toBeLessThan(2 * oneHour)
    expect((await Effect.runPromise(queryArchive(dataDir, "SELECT count(*) FROM trades"))).rows).toEqual([[String(HOURS * PER_HOUR)]])
  })
})
