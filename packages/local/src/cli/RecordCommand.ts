/**
 * `blockchaincore record --symbols btcusdt,ethusdt --out FILE`: the combined trade stream,
 * written exactly as received, one frame per line (gzipped if FILE ends in .gz): the format of
 * the recordings the replay server and the `candles` command read. Runs until interrupted, or
 * for `--seconds`.
 */
import { createWriteStream, type WriteStream } from "node:fs"
import { createGzip } from "node:zlib"
import { Console, Deferred, Effect, Exit, Option, Schema, Stream } from "effect"
import { Command, Flag } from "effect/cli"
import { positiveInt, symbolsFlag, wsUrlFlag } from "./flags.ts"
import { writableFile } from "../paths/PathChecks.ts"

/** The file to record into cannot be written. */
export class RecordFileError extends Schema.TaggedError<RecordFileError>()("RecordFileError", { message: Schema.String }) {}

export const recordCommand = Command.make(
  "record",
  {
    symbols: symbolsFlag,
    out: Flag.String("out").pipe(Flag.withDescription("File to write; .gz to compress (required)")),
    wsUrl: wsUrlFlag,
    seconds: positiveInt("seconds", "Stop after this many seconds")
  },
  Effect.fn("record")(function* ({ symbols, out, wsUrl, seconds }) {
    yield* writableFile("--out", out)
    // The connection code (and ws) is loaded when a command needs it: see cli/main.ts.
    const { DEFAULT_SUPERVISOR, superviseConnections } = yield* Effect.promise(() => import("@blockchaincore/producer/stream/ConnectionSupervisor"))
    const { DEFAULT_CONNECTION } = yield* Effect.promise(() => import("@blockchaincore/producer/stream/WireConnection"))
    const { planConnections } = yield* Effect.promise(() => import("@blockchaincore/producer/stream/StreamPlan"))
    let frames = 0
    // The file opened before anything is recorded: one that cannot be (a missing folder) is said at once.
    const failed = yield* Deferred.make<never, RecordFileError>()
    const unwritable = (e: Error) => new RecordFileError({ message: `--out ${out}: ${e.message}` })
    const { target } = yield* Effect.acquireRelease(
      Effect.callback<{ readonly target: NodeJS.WritableStream; readonly file: WriteStream }, RecordFileError>((resume) => {
        const file = createWriteStream(out)
        file.once("error", (e) => resume(Effect.fail(unwritable(e))))
        file.once("open", () => {
          // A later failure (a full disk) ends the recording with its reason.
          file.on("error", (e) => Deferred.doneUnsafe(failed, Exit.fail(unwritable(e))))
          const sink = out.endsWith(".gz") ? createGzip() : undefined
          sink?.pipe(file)
          resume(Effect.succeed({ target: sink ?? file, file }))
        })
      }),
      ({ target, file }) =>
        Effect.callback<void>((resume) => {
          file.once("close", () => resume(Effect.void))
          target.end()
        })
    )
    const stream = superviseConnections(planConnections(wsUrl, symbols), { ...DEFAULT_CONNECTION, ...DEFAULT_SUPERVISOR })
    yield* Effect.forkScoped(
      stream.pipe(
        Stream.runForEachArray((batch) =>
          Effect.sync(() => {
            for (const text of batch) target.write(`${text}\n`)
            frames += batch.length
          })
        )
      )
    )
    yield* Console.error(`recording ${symbols.join(", ")} to ${out}; Ctrl-C to stop`)
    yield* Effect.raceFirst(Option.match(seconds, { onNone: () => Effect.never, onSome: (s) => Effect.sleep(s * 1000) }), Deferred.await(failed))
    yield* Console.error(`${frames} frames written`)
  }, Effect.scoped)
).pipe(
  Command.withExamples([
    { command: "blockchaincore record --symbols btcusdt,ethusdt --out trades.ndjson.gz --seconds 60", description: "A minute of the live stream" }
  ]),
  Command.withDescription("Record Binance's combined trade stream to a file, frames exactly as received")
)
