/**
 * The backfill as a Fargate task (the producer's image, `backfill.mjs`): the same `runBackfill` as
 * `blockchaincore backfill`, writing to the stage's candle table, staging trades in the archive
 * bucket, and handing each file's hours and days to the archival function over the bus as
 * `CandleRevised` (it compacts them into the partitions Athena reads, each trade id once, beside
 * the live ones). Progress is logged every 30 seconds; a file that failed ends the task non-zero
 * after the others are done, and the task started again goes on from the ledger in the bucket.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb"
import { EventBridgeClient } from "@aws-sdk/client-eventbridge"
import { S3Client } from "@aws-sdk/client-s3"
import { Clock, Config, ConfigProvider, Effect, Layer, Schedule, Schema } from "effect"
import { DEFAULT_TRIES } from "@blockchaincore/binance/archive/PublicArchive"
import { oneLine } from "@blockchaincore/core/errors/errorMessage"
import { ArchiveHandoff } from "@blockchaincore/backfill/ArchiveHandoff"
import { runBackfill } from "@blockchaincore/backfill/Backfill"
import { BackfillProgress } from "@blockchaincore/backfill/BackfillProgress"
import { OutboundHttp } from "@blockchaincore/adapters/http/OutboundHttp"
import { DEFAULT_ENGINE } from "@blockchaincore/services/processor/Processor"
import { layerDynamoCandleStore } from "../dynamodb/DynamoCandleStore.ts"
import { layerEventBridgeEventBus } from "../eventbridge/EventBridgeEventBus.ts"
import { layerS3TradeStaging } from "../s3/S3TradeStaging.ts"
import { linkedName } from "../runtime/LinkedResources.ts"
import { archiveUrlOf, BackfillEnvironment } from "./BackfillEnvironment.ts"
import { layerS3BackfillLedger } from "./S3BackfillLedger.ts"

export class BackfillTaskError extends Schema.TaggedError<BackfillTaskError>()("BackfillTaskError", { message: Schema.String }) {}

export const runBackfillTask = (provider: ConfigProvider.ConfigProvider = ConfigProvider.fromEnv()) =>
  Effect.gen(function* () {
    // Read through Effect's `Config`, as every entry point reads its settings: one schema, the environment.
    const env = yield* Config.schema(BackfillEnvironment)
      .parse(provider)
      .pipe(Effect.mapError((e) => new BackfillTaskError({ message: `the backfill's environment: ${oneLine(e)}` })))
    const s3 = new S3Client({})
    const bucket = linkedName("Archive")
    const layers = Layer.mergeAll(
      layerDynamoCandleStore({ client: new DynamoDBClient({}), candlesTable: linkedName("Candles") }),
      layerS3TradeStaging({ client: s3, bucket }),
      ArchiveHandoff.viaBus.pipe(
        Layer.provide(
          layerEventBridgeEventBus({ client: new EventBridgeClient({ maxAttempts: 1 }), busName: linkedName("Market"), maxAttempts: 6, baseDelayMillis: 200 })
        )
      ),
      layerS3BackfillLedger(s3, bucket),
      OutboundHttp
    )
    const progress = new BackfillProgress(yield* Clock.currentTimeMillis)
    const report = Effect.suspend(() => Clock.currentTimeMillis.pipe(Effect.flatMap((t) => Effect.logInfo(progress.line(t)))))
    const { failures, summary } = yield* Effect.gen(function* () {
      yield* Effect.forkScoped(report.pipe(Effect.delay("30 seconds"), Effect.repeat(Schedule.spaced("30 seconds"))))
      return yield* runBackfill(
        {
          symbols: env.BACKFILL_SYMBOLS,
          from: env.BACKFILL_FROM,
          to: env.BACKFILL_TO,
          kind: env.BACKFILL_KIND ?? "trades",
          intervals: DEFAULT_ENGINE.intervals,
          archiveUrl: archiveUrlOf(env),
          downloadDir: env.BACKFILL_DOWNLOAD_DIR ?? "/tmp/backfill",
          tries: DEFAULT_TRIES
        },
        progress
      )
    }).pipe(Effect.scoped, Effect.provide(layers))
    yield* report
    yield* Effect.logInfo(summary.text)
    if (summary.nothing && failures.length === 0)
      return yield* new BackfillTaskError({ message: `nothing was loaded: no file of ${env.BACKFILL_FROM} to ${env.BACKFILL_TO} is published` })
    if (failures.length > 0)
      return yield* new BackfillTaskError({ message: `${failures.length} file(s) failed: ${failures.map((f) => `${f.name} (${f.message})`).join("; ")}` })
  })
