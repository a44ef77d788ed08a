/**
 * Staging on S3, what the processor writes: each call's trades of one hour, all its symbols, are
 * one gzipped CSV object (a line per trade, led by its symbol),
 * `staging/trades/hour=H/<content hash>.<symbols>.csv.gz` (H the hour's start in ms; the symbols
 * it holds, `~`-joined, in its name). The processor stages each invocation's trades in one call,
 * so S3 sees one PUT per invocation, not one per symbol; the same trades staged twice write the
 * same key. A symbol's compaction lists the hour and reads only the objects naming it: its work
 * stays flat however many other symbols there are. The bucket's lifecycle expires staging once
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

/** Unreserved in a URL: a key holding it is signed alike by every S3 (a `+` is not, by moto). */
const SEPARATOR = "~"
/** Beyond this many characters of symbols a name says nothing of them, and every compaction of the hour reads it. */
const NAMED_SYMBOLS_MAX_CHARS = 600
const SYMBOLS_IN_NAME = /^[0-9a-f]{32}\.([A-Za-z0-9~_-]+)\.csv\.gz$/

/** An object's name, naming the symbols it holds where they fit. */
export const stagedObjectName = (hash: string, symbols: ReadonlyArray<string>): string => {
  const named = [...new Set(symbols)].sort().join(SEPARATOR)
  return named.length > 0 && named.length <= NAMED_SYMBOLS_MAX_CHARS && /^[A-Za-z0-9~_-]+$/.test(named) ? `${hash}.${named}.csv.gz` : `${hash}.csv.gz`
}

/** Whether a staged object (by its name under the hour) may hold `symbol`: one naming its symbols only if it names it. */
export const mayHold = (name: string, symbol: string): boolean => {
  const named = SYMBOLS_IN_NAME.exec(name)?.[1]
  return named === undefined || named.split(SEPARATOR).includes(symbol)
}

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
          const name = stagedObjectName(
            createHash("sha256").update(body).digest("hex").slice(0, 32),
            inHour.map((t) => t.symbol)
          )
          return putObject(options, `${stagingPrefix(hourStart)}${name}`, new Uint8Array(gzipSync(body)), "application/gzip")
        },
        { concurrency: 8, discard: true }
      )
  })

export const layerS3TradeStaging = (options: S3ArchiveOptions): Layer.Layer<TradeStaging> => Layer.succeed(TradeStaging, makeS3TradeStaging(options))
