/**
 * The trade archive on AWS: an S3 bucket.
 * - Staging: each call's trades of one hour, all symbols, are one gzipped CSV object (a line per
 *   trade, led by its symbol), `staging/trades/hour=H/<content hash>.csv.gz` (H the hour's start
 *   in ms): the processor stages each invocation's trades in one call, so S3 sees one PUT per
 *   invocation, not one per symbol; the same trades staged twice write the same key. The bucket's lifecycle expires
 *   staging once compaction has long had its chance.
 * - Compaction: an hour's staged objects are read, each trade id taken once, and written with
 *   DuckDB as one Parquet object under the Hive partitions the Glue tables project
 *   (`archive/trades/symbol=/date=/hour=/trades.parquet`); candles likewise under
 *   `archive/candles/interval=/symbol=/date=/candles.parquet`. A late trade recompacts its hour.
 */
import { createHash } from "node:crypto"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { gunzipSync, gzipSync } from "node:zlib"
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3"
import { DuckDBInstance } from "@duckdb/node-api"
import { Effect, Layer } from "effect"
import { CANDLE_COLUMNS, candleColumns, candlesKey, DAY_MILLIS, TRADE_COLUMNS, tradesKey } from "@blockchaincore/core/archive/ArchiveLayout"
import { byHour, encodeStagedWithSymbols, stagedRowsOfSymbol } from "@blockchaincore/core/archive/StagedTrades"
import { ArchiveUnavailable, TradeArchive } from "@blockchaincore/core/ports/TradeArchive"
import { type Row, writeParquetFile } from "@blockchaincore/services/archival/ParquetFile"

export interface S3TradeArchiveOptions {
  readonly client: S3Client
  readonly bucket: string
}

export const ARCHIVE_PREFIX = "archive/"
export const STAGING_PREFIX = "staging/"

export const stagingPrefix = (hourStart: number) => `${STAGING_PREFIX}trades/hour=${hourStart}/`

const fail = (what: string) => (e: unknown) => new ArchiveUnavailable({ message: `${what}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}` })

export const layerS3TradeArchive = (options: S3TradeArchiveOptions): Layer.Layer<TradeArchive, ArchiveUnavailable> =>
  Layer.effect(
    TradeArchive,
    Effect.gen(function*() {
      const { client, bucket } = options
      const duck = yield* Effect.tryPromise({ try: () => DuckDBInstance.create(":memory:"), catch: fail("start DuckDB") })
      const scratch = yield* Effect.acquireRelease(
        Effect.sync(() => mkdtempSync(join(tmpdir(), "archive-"))),
        (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
      )

      const put = (key: string, body: string | Uint8Array, contentType: string) =>
        Effect.tryPromise({ try: () => client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType })), catch: fail(`put ${key}`) })

      const uploadParquet = (key: string, columns: string, rows: ReadonlyArray<Row>) =>
        Effect.tryPromise({
          try: async () => {
            const file = join(scratch, key)
            await writeParquetFile(duck, file, columns, rows)
            try {
              return readFileSync(file)
            } finally {
              rmSync(file, { force: true })
            }
          },
          catch: fail(`write ${key}`)
        }).pipe(Effect.flatMap((body) => put(`${ARCHIVE_PREFIX}${key}`, body, "application/vnd.apache.parquet")))

      const stagedBodies = (prefix: string) =>
        Effect.gen(function*() {
          const keys: Array<string> = []
          let token: string | undefined
          do {
            const page = yield* Effect.tryPromise({ try: () => client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token })), catch: fail(`list ${prefix}`) })
            for (const o of page.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key)
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
        stage: (trades) =>
          Effect.forEach(
            byHour(trades),
            ([hourStart, inHour]) => {
              const body = encodeStagedWithSymbols(inHour)
              return put(`${stagingPrefix(hourStart)}${createHash("sha256").update(body).digest("hex").slice(0, 32)}.csv.gz`, new Uint8Array(gzipSync(body)), "application/gzip")
            },
            { concurrency: 8, discard: true }
          ),
        compactHour: (symbol, hourStart) =>
          Effect.gen(function*() {
            const bodies = yield* stagedBodies(stagingPrefix(hourStart))
            const rows = yield* Effect.try({ try: () => stagedRowsOfSymbol(symbol, bodies), catch: fail(`read staging of ${symbol}`) })
            if (rows.length === 0) return 0
            yield* uploadParquet(tradesKey(symbol, hourStart), TRADE_COLUMNS, rows.map((r) => r.line))
            return rows.length
          }),
        writeCandles: (candles) =>
          Effect.gen(function*() {
            const first = candles[0]
            if (first === undefined) return
            yield* uploadParquet(candlesKey(first.interval, first.symbol, first.openTime - (first.openTime % DAY_MILLIS)), CANDLE_COLUMNS, candles.map(candleColumns))
          })
      })
    })
  )

