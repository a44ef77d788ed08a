/** The query command's tables exist, empty, before anything has been stored, and say what was wrong with bad SQL. */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { formatCsv, queryArchive } from "../src/duckdb/ArchiveQuery.ts"

it.effect("answers on an empty data directory, with the tables' columns", () =>
  Effect.gen(function* () {
    const dir = mkdtempSync(join(tmpdir(), "blockchaincore-query-empty-"))
    const trades = yield* queryArchive(dir, "SELECT * FROM trades")
    expect(trades.rows).toEqual([])
    expect(trades.columns).toEqual(["symbol", "date", "hour", "trade_id", "price", "qty", "quote_qty", "trade_time", "is_buyer_maker", "is_large"])
    const candles = yield* queryArchive(dir, "SELECT count(*) AS n FROM candles")
    expect(formatCsv(candles)).toBe("n\n0")
    const bad = yield* Effect.flip(queryArchive(dir, "SELECT nope FROM trades"))
    expect(bad.message).toMatch(/nope/)
  })
)
