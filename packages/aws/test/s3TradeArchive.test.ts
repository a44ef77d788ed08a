/**
 * The S3 archive against s3rver (an S3 that runs here), over HTTP with the real SDK: staged
 * batches (one delivered twice) compact into one Parquet object per symbol and hour under the
 * Glue tables' partitions, each trade once, decimals exact.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3"
import { DuckDBInstance } from "@duckdb/node-api"
import { Effect, Layer } from "effect"
import { expect, layer } from "@effect/vitest"
import { formatUnits, PRICE_SCALE } from "@blockchaincore/core/decimal/Decimal"
import { TradeArchive } from "@blockchaincore/core/ports/TradeArchive"
import { TradeStaging } from "@blockchaincore/core/ports/TradeStaging"
import { layerS3TradeArchive } from "../src/s3/S3TradeArchive.ts"
import { layerS3TradeStaging } from "../src/s3/S3TradeStaging.ts"
import { candleAt, tradeAt } from "@blockchaincore/testkit/builders"
import { S3rverBucket } from "@blockchaincore/testkit/awsStandIns"

const scratch = mkdtempSync(join(tmpdir(), "s3-archive-test-"))

const HOUR = Date.UTC(2024, 7, 8, 23)
/** The archive and its staging over the block's s3rver, as the Lambda layers build them; the scratch directory goes with the block. */
const archiveLayer = Layer.unwrap(
  Effect.gen(function* () {
    const s3 = yield* S3rverBucket
    yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(scratch, { recursive: true, force: true })))
    return Layer.mergeAll(layerS3TradeArchive({ client: s3.client, bucket: "archive" }), layerS3TradeStaging({ client: s3.client, bucket: "archive" }))
  })
).pipe(Layer.provideMerge(S3rverBucket.layer("archive")))

const parquetRows = Effect.fn(function* (key: string, sql: string) {
  const s3 = yield* S3rverBucket
  return yield* Effect.promise(async () => {
    const object = await s3.client.send(new GetObjectCommand({ Bucket: "archive", Key: key }))
    const file = join(scratch, `${Math.random()}.parquet`)
    writeFileSync(file, (await object.Body?.transformToByteArray()) ?? new Uint8Array())
    const duck = await DuckDBInstance.create(":memory:")
    const connection = await duck.connect()
    const reader = await connection.runAndReadAll(sql.replace("FILE", `read_parquet('${file}')`))
    connection.closeSync()
    return reader.getRowObjectsJson()
  })
})

layer(archiveLayer, { excludeTestServices: true })("S3TradeArchive (s3rver)", (it) => {
  it.effect("compacts staged batches into one Parquet object per symbol and hour, each trade once, exact", () =>
    Effect.gen(function* () {
      const trades = Array.from({ length: 300 }, (_, i) => tradeAt("BTCUSDT", 1000 + i, HOUR + i * 11_000))
      const batches = [trades.slice(0, 120), trades.slice(120, 300), trades.slice(100, 200)]
      const archive = yield* TradeArchive
      const staging = yield* TradeStaging
      for (const batch of batches) yield* staging.stage(batch)
      yield* staging.stage(batches[0]!)
      const count = yield* archive.compactHour("BTCUSDT", HOUR)
      const inHour = trades.filter((t) => t.time < HOUR + 3_600_000)
      expect(count).toBe(inHour.length)
      const s3 = yield* S3rverBucket
      const listed = yield* Effect.promise(() => s3.client.send(new ListObjectsV2Command({ Bucket: "archive", Prefix: "archive/" })))
      const key = "archive/trades/symbol=BTCUSDT/date=2024-08-08/hour=23/trades.parquet"
      expect(listed.Contents?.map((o) => o.Key)).toEqual([key])
      const rows = yield* parquetRows(
        key,
        "SELECT trade_id, CAST(price AS VARCHAR) AS price, CAST(qty AS VARCHAR) AS qty, is_large FROM FILE ORDER BY trade_id"
      )
      expect(rows.map((r) => Number(r["trade_id"]))).toEqual(inHour.map((t) => t.firstId))
      expect(rows.map((r) => [r["price"], r["qty"], r["is_large"]])).toEqual(
        inHour.map((t) => [formatUnits(t.price, PRICE_SCALE, 8), formatUnits(t.qty, PRICE_SCALE, 8), t.large])
      )

      // Weeks later the hour's staging has expired, and a late trade recompacts it: merged into the file, never a thinner one.
      const staged = yield* Effect.promise(() => s3.client.send(new ListObjectsV2Command({ Bucket: "archive", Prefix: "staging/" })))
      for (const o of staged.Contents ?? []) yield* Effect.promise(() => s3.client.send(new DeleteObjectCommand({ Bucket: "archive", Key: o.Key })))
      const late = tradeAt("BTCUSDT", 5000, HOUR + 3_599_000)
      yield* staging.stage([late])
      yield* archive.compactHour("BTCUSDT", HOUR)
      const merged = yield* parquetRows(key, "SELECT trade_id FROM FILE ORDER BY trade_id")
      expect(merged.map((r) => Number(r["trade_id"]))).toEqual([...inHour.map((t) => t.firstId), late.firstId])
    })
  )

  it.effect("a symbol's compaction reads only the staged objects holding it: its work stays flat from 10 to 200 symbols", () =>
    Effect.gen(function* () {
      const s3 = yield* S3rverBucket
      const staging = yield* TradeStaging
      const archive = yield* TradeArchive
      const MINUTES = 45
      const calls = new Map<string, number>()
      s3.client.middlewareStack.add(
        (next, context) => (args) => {
          calls.set(context.commandName ?? "?", (calls.get(context.commandName ?? "?") ?? 0) + 1)
          return next(args)
        },
        { step: "initialize", name: "countCalls" }
      )
      const perCompaction: Array<{ symbols: number; objects: number; gets: number; lists: number }> = []
      for (const [count, hour] of [
        [10, HOUR + 10 * 3_600_000],
        [200, HOUR + 20 * 3_600_000]
      ] as const) {
        const symbols = Array.from({ length: count }, (_, i) => `S${String(i).padStart(3, "0")}USDT`)
        // As the pipe delivers them: each minute's messages, one a symbol, ten to an invocation, one
        // staging object each; 45 minutes, so that 200 symbols' objects fit in one listing page
        // (s3rver fails a ListObjectsV2 continuation; S3 pages them).
        for (let minute = 0; minute < MINUTES; minute++) {
          for (let first = 0; first < count; first += 10) {
            yield* staging.stage(symbols.slice(first, first + 10).map((symbol, i) => tradeAt(symbol, minute + 1, hour + minute * 60_000 + i)))
          }
        }
        calls.clear()
        expect(yield* archive.compactHour("S007USDT", hour)).toBe(MINUTES)
        const gets = calls.get("GetObjectCommand") ?? 0
        const lists = calls.get("ListObjectsV2Command") ?? 0
        const listed = yield* Effect.promise(() => s3.client.send(new ListObjectsV2Command({ Bucket: "archive", Prefix: `staging/trades/hour=${hour}/` })))
        perCompaction.push({ symbols: count, objects: listed.KeyCount ?? 0, gets, lists })
      }
      // 45 and 900 objects staged; each compaction reads only its symbol's 45 (before, all of them),
      // after one listing of the names, and asks for the hour's file to merge into (none yet).
      expect(perCompaction).toEqual([
        { symbols: 10, objects: 45, gets: 46, lists: 1 },
        { symbols: 200, objects: 900, gets: 46, lists: 1 }
      ])
      s3.client.middlewareStack.remove("countCalls")
    })
  )

  it.effect("writes a day's candles as one Parquet object under interval, symbol and date", () =>
    Effect.gen(function* () {
      const day = Date.UTC(2024, 7, 8)
      const candles = [candleAt("ETHUSDT", day), candleAt("ETHUSDT", day + 60_000)]
      yield* (yield* TradeArchive).writeCandles(candles)
      const rows = yield* parquetRows(
        "archive/candles/interval=1m/symbol=ETHUSDT/date=2024-08-08/candles.parquet",
        "SELECT open_time, CAST(high AS VARCHAR) AS high, CAST(quote_volume AS VARCHAR) AS qv FROM FILE ORDER BY open_time"
      )
      expect(rows).toEqual([
        { open_time: String(day), high: "98765432109.87654321", qv: "755999999999999.1234567890123456" },
        { open_time: String(day + 60_000), high: "98765432109.87654321", qv: "755999999999999.1234567890123456" }
      ])
    })
  )
})
