/**
 * The trade archive on AWS: an S3 bucket.
 * - Staging: each batch's trades of one symbol and hour are one object,
 *   `staging/trades/symbol=S/hour=H/<firstId>-<lastId>.csv` (H the hour's start in ms): a batch
 *   delivered twice writes the same key with the same body. The bucket's lifecycle expires
 *   staging once compaction has long had its chance.
 * - Compaction: an hour's staged objects are read, each trade id taken once, and written with
 *   DuckDB as one Parquet object under the Hive partitions the Glue tables project
 *   (`archive/trades/symbol=/date=/hour=/trades.parquet`); candles likewise under
 *   `archive/candles/interval=/symbol=/date=/candles.parquet`. A late trade recompacts its hour.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3"
import { DuckDBInstance } from "@duckdb/node-api"
import { Effect, Layer } from "effect"
import { CANDLE_COLUMNS, candleColumns, candlesKey, DAY_MILLIS, TRADE_COLUMNS, tradesKey } from "@blockchaincore/core/archive/ArchiveLayout"
import { bySymbolAndHour, encodeStaged, stagedRows } from "@blockchaincore/core/archive/StagedTrades"
import { ArchiveUnavailable, TradeArchive } from "@blockchaincore/core/ports/TradeArchive"
import { type Row, writeParquetFile } from "@blockchaincore/services/archival/ParquetFile"

export interface S3TradeArchiveOptions {
  readonly client: S3Client
  readonly bucket: string
}

export const ARCHIVE_PREFIX = "archive/"
export const STAGING_PREFIX = "staging/"

export const stagingPrefix = (symbol: string, hourStart: number) => `${STAGING_PREFIX}trades/symbol=${symbol}/hour=${hourStart}/`

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
                try: async () => (await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body?.transformToString() ?? "",
                catch: fail(`get ${key}`)
              }),
            { concurrency: 8 }
          )
        })

      return TradeArchive.of({
        stage: (trades) =>
          Effect.forEach(
            bySymbolAndHour(trades).values(),
            (g) => put(`${stagingPrefix(g.symbol, g.hourStart)}${g.trades[0]?.firstId ?? 0}-${g.trades.at(-1)?.lastId ?? 0}.csv`, encodeStaged(g.trades), "text/csv"),
            { concurrency: 8, discard: true }
          ),
        compactHour: (symbol, hourStart) =>
          Effect.gen(function*() {
            const bodies = yield* stagedBodies(stagingPrefix(symbol, hourStart))
            const rows = yield* Effect.try({ try: () => stagedRows(bodies.filter((b) => b.length > 0)), catch: fail(`read staging of ${symbol}`) })
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

