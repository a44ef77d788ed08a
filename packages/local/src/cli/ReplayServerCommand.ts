/**
 * `blockchaincore replay-server --input FILE [--port N] [--speed X] [faults]`: Binance's protocol
 * on 127.0.0.1, replaying a recording, misbehaving on command. Runs until interrupted.
 */
import { Console, Effect, Option, Schema } from "effect"
import { Command, Flag } from "effect/cli"
import { recordingFrames } from "../input/RecordingFile.ts"
import type { ReplayFaults } from "@blockchaincore/replay/ReplayServer"
import { positiveInt } from "./flags.ts"
import { readableFile } from "../paths/PathChecks.ts"

export const replayServerCommand = Command.make(
  "replay-server",
  {
    input: Flag.String("input").pipe(Flag.withDescription("A recording of the combined trade stream (NDJSON, gzipped or not) (required)")),
    port: Flag.Int("port").pipe(
      Flag.withSchema(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 65535 }))),
      Flag.withDefault(0),
      Flag.withDescription(`Port on 127.0.0.1 (0: any free port) (default 0)`)
    ),
    speed: Flag.Finite("speed").pipe(
      Flag.withSchema(Schema.Finite.check(Schema.isGreaterThan(0))),
      Flag.optional,
      Flag.withDescription("Pace by trade time × this factor; without it, as fast as the client reads")
    ),
    dropAt: positiveInt("drop-at", "Cut the connection after N frames"),
    stallAt: positiveInt("stall-at", "Go silent (no frames, no pings) after N frames"),
    shutdownAt: positiveInt("shutdown-at", "Send serverShutdown after N frames, close 2 s later"),
    duplicateEvery: positiveInt("duplicate-every", "Send every N-th frame twice"),
    dropEvery: positiveInt("drop-every", "Never send every N-th frame (REST still has it)"),
    malformedEvery: positiveInt("malformed-every", "Send a malformed frame before every N-th frame"),
    rest429: positiveInt("rest-429", "Answer the first N REST requests with 429")
  },
  Effect.fn("replay-server")(function* (flags) {
    yield* readableFile("--input", flags.input)
    const frames = yield* recordingFrames("--input", flags.input)
    const faults: ReplayFaults = Object.fromEntries(
      (["dropAt", "stallAt", "shutdownAt", "duplicateEvery", "dropEvery", "malformedEvery", "rest429"] as const).flatMap((k) =>
        Option.isSome(flags[k]) ? [[k, flags[k].value]] : []
      )
    )
    const speed = Option.getOrUndefined(flags.speed)
    // The server (and ws) is loaded when this command runs: see cli/main.ts.
    const { ReplayServer } = yield* Effect.promise(() => import("@blockchaincore/replay/ReplayServer"))
    const server = new ReplayServer(frames, { port: flags.port, faults, ...(speed === undefined ? {} : { speed }) })
    const port = yield* Effect.acquireRelease(
      Effect.promise(() => server.listen()),
      () => Effect.promise(() => server.close())
    )
    yield* Console.error(`replaying ${frames.length} frames of ${flags.input}`)
    yield* Console.log(`ws://127.0.0.1:${port}  (REST: http://127.0.0.1:${port})`)
    return yield* Effect.never
  }, Effect.scoped)
).pipe(
  Command.withExamples([
    {
      command:
        "blockchaincore replay-server --input packages/testkit/data/binance-spot-trade-stream-BTCUSDT-ETHUSDT-20240808T2354Z.ndjson.gz --speed 10 --drop-at 5000",
      description: "The recording at 10× its pace, the connection dropped at frame 5,000"
    }
  ]),
  Command.withDescription("Serve a recording over Binance's protocol on loopback")
)
