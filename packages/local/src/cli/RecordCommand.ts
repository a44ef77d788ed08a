/**
 * `blockchaincore record --symbols btcusdt,ethusdt --out FILE`: the combined trade stream,
 * written exactly as received, one frame per line (gzipped if FILE ends in .gz): the format of
 * the recordings the replay server and the `candles` command read. Runs until interrupted, or
 * for `--seconds`.
 */
import { createWriteStream } from "node:fs"
import { createGzip } from "node:zlib"
import { Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { DEFAULT_CLIENT, StreamClient } from "@blockchaincore/producer/stream/StreamClient"
import { DEFAULT_CONNECTION } from "@blockchaincore/producer/stream/StreamConnection"
import { planConnections } from "@blockchaincore/producer/stream/StreamPlan"
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
    let frames = 0
    yield* Effect.acquireRelease(
      Effect.sync(() => {
        const file = createWriteStream(out)
        const sink = out.endsWith(".gz") ? createGzip() : undefined
        sink?.pipe(file)
        const target = sink ?? file
        const client = new StreamClient(planConnections(wsUrl, symbols), { ...DEFAULT_CONNECTION, ...DEFAULT_CLIENT }, {
          onFrame: (text) => {
            frames++
            target.write(`${text}\n`)
          },
          onEvent: (e) => {
            if (e._tag !== "Connected") process.stderr.write(`record: ${JSON.stringify(e)}\n`)
          }
        })
        client.start()
        return { client, target, file }
      }),
      ({ client, target, file }) =>
        Effect.promise(
          () =>
            new Promise<void>((resolve) => {
              client.stop()
              file.once("close", () => resolve())
              target.end()
            })
        )
    )
    yield* Console.error(`recording ${symbols.join(", ")} to ${out}; Ctrl-C to stop`)
    yield* Option.match(seconds, { onNone: () => Effect.never, onSome: (s) => Effect.sleep(s * 1000) })
    yield* Console.error(`${frames} frames written`)
  }, Effect.scoped)
).pipe(Command.withDescription("Record Binance's combined trade stream to a file, frames exactly as received"))
