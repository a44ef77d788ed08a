/**
 * The trade archive on AWS: compaction of what S3TradeStaging.ts staged. An hour's staged
 * objects are read, each trade id taken once, and written with DuckDB as one Parquet object
 * under the Hive partitions the Glue tables project
 * (`archive/trades/symbol=/date=/hour=/trades.parquet`); candles likewise under
 * `archive/candles/interval=/symbol=/date=/candles.parquet`. A late trade recompacts its hour,
 * merged into the hour's file as it stands (each trade id once, the staged row winning): a
 * recompaction after part of the hour's staging has expired never leaves a thinner file.
 * DuckDB is imported when the layer is built, not when this module loads: only the archival
 * consumer builds it, and only its function has the native package installed (stacks/functions.ts).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { gunzipSync } from "node:zlib"
import { GetObjectCommand, ListObjectsV2Command, NoSuchKey } from "@aws-sdk/client-s3"
import { Effect, Layer } from "effect"
import { CANDLE_COLUMNS, candleColumns, candlesKey, STAGED_TRADE_COLUMNS, TRADES_OF_STAGED, tradesKey } from "@blockchaincore/adapters/formats/ArchiveLayout"
import { DAY_MILLIS } from "@blockchaincore/core/time/UtcTime"
import { stagedRowsOfSymbol } from "@blockchaincore/adapters/formats/StagedTrades"
import { type ArchiveUnavailable, TradeArchive } from "@blockchaincore/core/ports/TradeArchive"
import { type Row, writeParquetFile } from "@blockchaincore/adapters/parquet/ParquetFile"
import { ARCHIVE_PREFIX, mayHold, putObject, type S3ArchiveOptions, s3Failure as fail, stagingPrefix } from "./S3TradeStaging.ts"

export const layerS3TradeArchive = (options: S3ArchiveOptions): Layer.Layer<TradeArchive, ArchiveUnavailable> =>
  Layer.effect(
    TradeArchive,
    Effect.gen(function* () {
      const { client, bucket } = options
      const { DuckDBInstance } = yield* Effect.tryPromise({ try: () => import("@duckdb/node-api"), catch: fail("load DuckDB") })
      const duck = yield* Effect.tryPromise({ try: () => DuckDBInstance.create(":memory:"), catch: fail("start DuckDB") })
      const scratch = yield* Effect.acquireRelease(
        Effect.sync(() => mkdtempSync(join(tmpdir(), "archive-"))),
        (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
      )

      /** The object at `key` into `file`, when there is one. */
      const download = (key: string, file: string) =>
        Effect.tryPromise({
          try: async () => {
            try {
              const body = await (await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body?.transformToByteArray()
              if (body === undefined) return false
              mkdirSync(dirname(file), { recursive: true })
              writeFileSync(file, body)
              return true
            } catch (e) {
              if (e instanceof NoSuchKey) return false
              throw e
            }
          },
          catch: fail(`get ${key}`)
        })

      const uploadParquet = (key: string, columns: string, rows: ReadonlyArray<Row>, select?: string, mergeOn?: string) =>
        Effect.tryPromise({
          try: async () => {
            const file = join(scratch, key)
            await writeParquetFile(duck, file, columns, rows, select, mergeOn)
            try {
              return readFileSync(file)
            } finally {
              rmSync(file, { force: true })
            }
          },
          catch: fail(`write ${key}`)
        }).pipe(Effect.flatMap((body) => putObject(options, `${ARCHIVE_PREFIX}${key}`, body, "application/vnd.apache.parquet")))

      const stagedBodies = Effect.fn("stagedBodies")(function* (prefix: string, symbol: string) {
        const keys: Array<string> = []
        let token: string | undefined
        do {
          const page = yield* Effect.tryPromise({
            try: () => client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token })),
            catch: fail(`list ${prefix}`)
          })
          for (const o of page.Contents ?? []) if (o.Key !== undefined && mayHold(o.Key.slice(prefix.length), symbol)) keys.push(o.Key)
          token = page.IsTruncated === true ? page.NextContinuationToken : undefined
        } while (token !== undefined)
        return yield* Effect.forEach(
          keys,
          (key) =>
            Effect.tryPromise({
              try: async () => {
                const bytes = await (await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body?.transformToByteArray()
                return bytes === undefined ? "" : gunzipSync(bytes).toString("utf8")
              },
              catch: fail(`get ${key}`)
            }),
          { concurrency: 8 }
        )
      })

      return TradeArchive.of({
        compactHour: Effect.fn("S3TradeArchive.compactHour")(function* (symbol, hourStart) {
          const bodies = yield* stagedBodies(stagingPrefix(hourStart), symbol)
          const rows = yield* Effect.try({ try: () => stagedRowsOfSymbol(symbol, bodies), catch: fail(`read staging of ${symbol}`) })
          if (rows.length === 0) return 0
          const key = tradesKey(symbol, hourStart)
          yield* download(`${ARCHIVE_PREFIX}${key}`, join(scratch, key))
          yield* uploadParquet(
            key,
            STAGED_TRADE_COLUMNS,
            rows.map((r) => r.line),
            TRADES_OF_STAGED,
            "trade_id"
          )
          return rows.length
        }),
        writeCandles: Effect.fn("S3TradeArchive.writeCandles")(function* (candles) {
          const first = candles[0]
          if (first === undefined) return
          yield* uploadParquet(
            candlesKey(first.interval, first.symbol, first.openTime - (first.openTime % DAY_MILLIS)),
            CANDLE_COLUMNS,
            candles.map(candleColumns)
          )
        })
      })
    })
  )
