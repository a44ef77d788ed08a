/**
 * `blockchaincore backfill --symbols BTCUSDT,ETHUSDT --from 2024-01-01 [--to 2024-01-31]
 * [--kind trades|aggTrades] [--data-dir ./data] [--archive-url URL]`: history from Binance's public
 * data archive into the local candle store and archive (the producer package's Backfill.ts), with
 * progress on stderr every two seconds. Run again after an interruption, it goes on from the
 * first file it had not finished. Beside a running `blockchaincore start` on the same data
 * directory, what it stores is served at once.
 */
import { join } from "node:path"
import { Clock, Console, Effect, Layer, Option, Schedule, Schema } from "effect"
import { Command, Flag } from "effect/cli"
import { ArchiveDate, ArchiveKind, BINANCE_PUBLIC_ARCHIVE, DEFAULT_TRIES } from "@blockchaincore/binance/archive/PublicArchive"
import { HttpUrl } from "@blockchaincore/core/net/Urls"
import { symbolsFlag } from "./flags.ts"
import { boundHeapGrowth } from "./HeapGrowth.ts"
import { writableDirectory } from "../paths/PathChecks.ts"
import { DAY_MILLIS, utcDayOf } from "@blockchaincore/core/time/UtcTime"

const yesterday = (now: number) => utcDayOf(now - DAY_MILLIS)

export class BackfillRangeError extends Schema.TaggedError<BackfillRangeError>()("BackfillRangeError", { message: Schema.String }) {}

/** Some files could not be loaded; what was loaded stays, and the same command retries the rest. */
export class BackfillIncomplete extends Schema.TaggedError<BackfillIncomplete>()("BackfillIncomplete", { message: Schema.String }) {}

export const backfillCommand = Command.make(
  "backfill",
  {
    symbols: symbolsFlag,
    from: Flag.String("from").pipe(Flag.withSchema(ArchiveDate), Flag.withDescription("First UTC day, YYYY-MM-DD (required)")),
    to: Flag.String("to").pipe(
      Flag.withSchema(ArchiveDate),
      Flag.optional,
      Flag.withDescription("Last UTC day, included (default yesterday, the last day published)")
    ),
    kind: Flag.Literals("kind", ArchiveKind.literals).pipe(
      Flag.withDefault("trades"),
      Flag.withDescription(`trades (candles and the trade archive) or aggTrades (candles only) (default trades)`)
    ),
    dataDir: Flag.String("data-dir").pipe(Flag.withDefault("./data"), Flag.withDescription(`The local runtime's data directory (default ./data)`)),
    archiveUrl: Flag.String("archive-url").pipe(
      Flag.withSchema(HttpUrl),
      Flag.withDefault(BINANCE_PUBLIC_ARCHIVE),
      Flag.withDescription(`The archive's base URL (or a mirror's) (default ${BINANCE_PUBLIC_ARCHIVE})`)
    ),
    tries: Flag.Int("tries").pipe(
      Flag.withSchema(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 100 }))),
      Flag.withDefault(DEFAULT_TRIES),
      Flag.withDescription(`Tries of a file whose download breaks or does not match its checksum (default ${DEFAULT_TRIES})`)
    )
  },
  Effect.fn("backfill")(function* (flags) {
    const now = yield* Clock.currentTimeMillis
    const to = Option.getOrElse(flags.to, () => yesterday(now))
    if (to < flags.from) {
      return yield* new BackfillRangeError({
        message: Option.isSome(flags.to)
          ? `--to ${to} is before --from ${flags.from}`
          : `--from ${flags.from} is after ${to}, the last day the archive has published (yesterday)`
      })
    }
    const dataDir = yield* writableDirectory("--data-dir", flags.dataDir)
    // The stores and DuckDB load when a backfill runs, not with the CLI.
    const { runBackfill } = yield* Effect.promise(() => import("@blockchaincore/backfill/Backfill"))
    const { BackfillProgress } = yield* Effect.promise(() => import("@blockchaincore/backfill/BackfillProgress"))
    const { BackfillLedger } = yield* Effect.promise(() => import("@blockchaincore/backfill/BackfillLedger"))
    const { ArchiveHandoff } = yield* Effect.promise(() => import("@blockchaincore/backfill/ArchiveHandoff"))
    const { Archiver } = yield* Effect.promise(() => import("@blockchaincore/services/archival/Archiver"))
    const { layerSqliteCandleStore } = yield* Effect.promise(() => import("../sqlite/SqliteCandleStore.ts"))
    const { layerDuckdbTradeArchive } = yield* Effect.promise(() => import("../duckdb/DuckdbTradeArchive.ts"))
    const { ArchiveWorker } = yield* Effect.promise(() => import("../duckdb/ArchiveWorkerClient.ts"))
    const { DEFAULT_ENGINE } = yield* Effect.promise(() => import("@blockchaincore/services/processor/Processor"))
    const { OutboundHttp } = yield* Effect.promise(() => import("@blockchaincore/adapters/http/OutboundHttp"))

    yield* boundHeapGrowth
    const progress = new BackfillProgress(now)
    const report = Effect.suspend(() => Clock.currentTimeMillis.pipe(Effect.flatMap((t) => Console.error(progress.line(t)))))
    const archiveRoot = join(dataDir, "archive")
    const ports = Layer.mergeAll(
      layerSqliteCandleStore(join(dataDir, "candles.sqlite")),
      layerDuckdbTradeArchive(archiveRoot, ArchiveWorker.inThisThread(archiveRoot))
    )
    // Locally there is no bus between processes: the archival service is called directly.
    const handoff = Layer.effect(
      ArchiveHandoff,
      Effect.gen(function* () {
        const archiver = yield* Archiver
        return ArchiveHandoff.of({ loaded: (revisions) => Effect.forEach(revisions, archiver.onCandle, { discard: true }) })
      })
    ).pipe(Layer.provide(Archiver.layer))
    const stores = Layer.mergeAll(handoff, BackfillLedger.directory(join(dataDir, "backfill", "done")), OutboundHttp).pipe(Layer.provideMerge(ports))
    const { failures, summary } = yield* Effect.scoped(
      Effect.gen(function* () {
        yield* Effect.forkScoped(report.pipe(Effect.repeat(Schedule.spaced("2 seconds")), Effect.delay("2 seconds")))
        return yield* runBackfill(
          {
            symbols: flags.symbols,
            from: flags.from,
            to,
            kind: flags.kind,
            intervals: DEFAULT_ENGINE.intervals,
            archiveUrl: flags.archiveUrl,
            downloadDir: join(dataDir, "backfill", "downloads"),
            tries: flags.tries
          },
          progress
        )
      })
    ).pipe(Effect.provide(stores))
    yield* Console.log(progress.line(yield* Clock.currentTimeMillis))
    yield* Console.log(summary.text)
    if (failures.length > 0) {
      return yield* new BackfillIncomplete({
        message: `${failures.length} file(s) failed: ${failures.map((f) => `${f.name} (${f.message})`).join("; ")}. Run the same command again to retry them.`
      })
    }
    if (summary.nothing)
      return yield* new BackfillIncomplete({ message: `nothing was loaded: no file of ${flags.from} to ${to} is published at ${flags.archiveUrl}` })
  })
).pipe(
  Command.withExamples([
    {
      command: "blockchaincore backfill --symbols BTCUSDT,ETHUSDT --from 2024-01-15 --to 2024-01-15",
      description: "A day's trades: candles, and the trades into the archive"
    }
  ]),
  Command.withDescription("Load a period from Binance's public data archive into the candle store and the trade archive")
)
