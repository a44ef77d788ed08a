/**
 * `blockchaincore record --symbols btcusdt,ethusdt --out FILE`: the combined trade stream,
 * written exactly as received, one frame per line (gzipped if FILE ends in .gz): the format of
 * the recordings the replay server and the `candles` command read. Runs until interrupted, or
 * for `--seconds`.
 */
import { createWriteStream } from "node:fs"
import { createGzip } from "node:zlib"
import { Console, Effect, Option, Stream } from "effect"
import { Command, Flag } from "effect/cli"
import { positiveInt, symbolsFlag, wsUrlFlag } from "./flags.ts"

export const recordCommand = Command.make(
  "record",
  {
    symbols: symbolsFlag,
    out: Flag.String("out").pipe(Flag.withDescription("File to write; .gz to compress")),
    wsUrl: wsUrlFlag,
    seconds: positiveInt("seconds", "Stop after this many seconds")
  },
  Effect.fn("record")(function*({ symbols, out, wsUrl, seconds }) {
    // The connection code (and ws) is loaded when a command needs it: see cli/main.ts.
    const { DEFAULT_SUPERVISOR, superviseConnections } = yield* Effect.promise(() => import("@blockchaincore/producer/stream/ConnectionSupervisor"))
    const { DEFAULT_CONNECTION } = yield* Effect.promise(() => import("@blockchaincore/producer/stream/WireConnection"))
    const { planConnections } = yield* Effect.promise(() => import("@blockchaincore/producer/stream/StreamPlan"))
    let frames = 0
    const { target } = yield* Effect.acquireRelease(
      Effect.sync(() => {
        const file = createWriteStream(out)
        const sink = out.endsWith(".gz") ? createGzip() : undefined
        sink?.pipe(file)
        return { target: sink ?? file, file }
      }),
      ({ target, file }) =>
        Effect.callback<void>((resume) => {
          file.once("close", () => resume(Effect.void))
          target.end()
        })
    )
    const stream = superviseConnections(planConnections(wsUrl, symbols), { ...DEFAULT_CONNECTION, ...DEFAULT_SUPERVISOR })
    yield* Effect.forkScoped(stream.pipe(Stream.runForEachArray((batch) => Effect.sync(() => {
      for (const text of batch) target.write(`${text}\n`)
      frames += batch.length
    }))))
    yield* Console.error(`recording ${symbols.join(", ")} to ${out}; Ctrl-C to stop`)
    yield* Option.match(seconds, { onNone: () => Effect.never, onSome: (s) => Effect.sleep(s * 1000) })
    yield* Console.error(`${frames} frames written`)
  }, Effect.scoped)
).pipe(Command.withDescription("Record Binance's combined trade stream to a file, frames exactly as received"))
