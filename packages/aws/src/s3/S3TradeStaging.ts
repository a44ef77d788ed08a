/**
 * Staging on S3, what the processor writes: each call's trades of one hour, all symbols, are one
 * gzipped CSV object (a line per trade, led by its symbol),
 * `staging/trades/hour=H/<content hash>.csv.gz` (H the hour's start in ms). The processor stages
 * each invocation's trades in one call, so S3 sees one PUT per invocation, not one per symbol;
 * the same trades staged twice write the same key. The bucket's lifecycle expires staging once
 * compaction (S3TradeArchive.ts) has long had its chance. No Parquet writer here: the processor's
 * bundle stays free of native modules.
 */
import { createHash } from "node:crypto"
import { gzipSync } from "node:zlib"
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3"
import { Effect, Layer } from "effect"
import { byHour, encodeStagedWithSymbols } from "@blockchaincore/adapters/formats/StagedTrades"
import { ArchiveUnavailable } from "@blockchaincore/core/ports/TradeArchive"
import { TradeStaging } from "@blockchaincore/core/ports/TradeStaging"
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"

export interface S3ArchiveOptions {
  readonly client: S3Client
  readonly bucket: string
}

export const ARCHIVE_PREFIX = "archive/"
const STAGING_PREFIX = "staging/"

export const stagingPrefix = (hourStart: number) => `${STAGING_PREFIX}trades/hour=${hourStart}/`

export const s3Failure = (what: string) => (e: unknown) => new ArchiveUnavailable({ message: `${what}: ${errorMessage(e)}` })

export const putObject = (options: S3ArchiveOptions, key: string, body: string | Uint8Array, contentType: string) =>
  Effect.tryPromise({
    try: () => options.client.send(new PutObjectCommand({ Bucket: options.bucket, Key: key, Body: body, ContentType: contentType })),
    catch: s3Failure(`put ${key}`)
  })

export const makeS3TradeStaging = (options: S3ArchiveOptions): TradeStaging["Service"] =>
  TradeStaging.of({
    stage: (trades) =>
      Effect.forEach(
        byHour(trades),
        ([hourStart, inHour]) => {
          const body = encodeStagedWithSymbols(inHour)
          return putObject(options, `${stagingPrefix(hourStart)}${createHash("sha256").update(body).digest("hex").slice(0, 32)}.csv.gz`, new Uint8Array(gzipSync(body)), "application/gzip")
        },
        { concurrency: 8, discard: true }
      )
  })

export const layerS3TradeStaging = (options: S3ArchiveOptions): Layer.Layer<TradeStaging> => Layer.succeed(TradeStaging, makeS3TradeStaging(options))
