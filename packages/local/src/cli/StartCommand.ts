/**
 * `blockchaincore start` (`npm start`): the local runtime. Live Binance by default; `--replay FILE`
 * serves a recording from a replay server started in-process instead.
 */
import { readFile } from "node:fs/promises"
import { ConfigProvider, Console, Effect, Option, Result, Schema } from "effect"
import { Command, Flag } from "effect/cli"
import type { LocalRuntimeConfig } from "../runtime/LocalRuntime.ts"
import { anomalyConfigOf } from "@blockchaincore/core/anomaly/AnomalySettings"
import { HttpUrl } from "@blockchaincore/core/net/Urls"
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"
import { SymbolList } from "@blockchaincore/core/trade/SymbolList"
import { readTracingSettings } from "@blockchaincore/observability/TracingSettings"
import { restUrlFlag, wsUrlFlag } from "./flags.ts"
import { readableFile, writableDirectory } from "../paths/PathChecks.ts"
import { boundHeapGrowth } from "./HeapGrowth.ts"

/** The --anomaly-config file is not settings: its path and the field at fault. */
export class AnomalyConfigError extends Schema.TaggedError<AnomalyConfigError>()("AnomalyConfigError", { message: Schema.String }) {}

const readAnomalyConfig = (path: string) =>
  Effect.tryPromise({
    try: () => readFile(path, "utf8"),
    catch: (e) => new AnomalyConfigError({ message: `--anomaly-config ${path}: ${errorMessage(e)}` })
  }).pipe(
    Effect.flatMap((text) =>
      Result.match(anomalyConfigOf(text, path), {
        onSuccess: Effect.succeed,
        onFailure: (problem) => Effect.fail(new AnomalyConfigError({ message: `--anomaly-config ${problem}` }))
      })
    )
  )

export const startCommand = Command.make(
  "start",
  {
    symbols: Flag.String("symbols").pipe(
      Flag.withSchema(SymbolList),
      Flag.optional,
      Flag.withDescription("Comma-separated symbols (default btcusdt,ethusdt, or a replay's symbols)")
    ),
    wsUrl: wsUrlFlag,
    restUrl: restUrlFlag,
    replay: Flag.String("replay").pipe(Flag.optional, Flag.withDescription("Replay this recording instead of connecting to Binance")),
    speed: Flag.Finite("speed").pipe(
      Flag.withSchema(Schema.Finite.check(Schema.isGreaterThan(0))),
      Flag.optional,
      Flag.withDescription("Replay pace (trade time × X); default as fast as it is read")
    ),
    dataDir: Flag.String("data-dir").pipe(Flag.withDefault("./data"), Flag.withDescription(`Where the candle store and the journal live (default ./data)`)),
    webhookUrl: Flag.String("webhook-url").pipe(
      Flag.withSchema(HttpUrl),
      Flag.optional,
      Flag.withDescription("A Slack- or Discord-style incoming webhook: turns on the webhook consumer (high-severity anomalies)")
    ),
    anomalyConfig: Flag.String("anomaly-config").pipe(
      Flag.optional,
      Flag.withDescription("A JSON file of anomaly settings per symbol and interval (docs/cli.md); the defaults without")
    ),
    otlpUrl: Flag.String("otlp-url").pipe(
      Flag.optional,
      Flag.withDescription(
        "Send traces over OTLP/HTTP to this collector (e.g. http://127.0.0.1:4318); OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_TRACES_SAMPLER are read too (docs/tracing.md); off without"
      )
    ),
    port: Flag.Int("port").pipe(
      Flag.withSchema(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 65535 }))),
      Flag.withDefault(8787),
      Flag.withDescription(`HTTP API port on 127.0.0.1 (default 8787)`)
    )
  },
  // Untraced: a span around a program that runs for the process's life would never end.
  Effect.fnUntraced(function* (flags) {
    // The files first, then the folder (made if missing): a mistyped file leaves no folder behind.
    if (Option.isSome(flags.replay)) yield* readableFile("--replay", flags.replay.value)
    if (Option.isSome(flags.anomalyConfig)) yield* readableFile("--anomaly-config", flags.anomalyConfig.value)
    const dataDir = yield* writableDirectory("--data-dir", flags.dataDir)
    // Loaded when `start` runs, not with the CLI: the runtime (HTTP server, DuckDB, the producer)
    // would add half a second and 70 MB to every other command, `candles` included.
    const { runLocalRuntime } = yield* Effect.promise(() => import("../runtime/LocalRuntime.ts"))
    // A runtime catching up on a backlog makes garbage as fast as a backfill does: its heap bounded the same way.
    yield* boundHeapGrowth
    const anomalyConfig = yield* Option.match(flags.anomalyConfig, { onNone: () => Effect.succeed(undefined), onSome: readAnomalyConfig })
    const tracing = yield* readTracingSettings(ConfigProvider.fromEnv(), { otlpUrl: Option.getOrUndefined(flags.otlpUrl), serviceName: "blockchaincore" })
    const config: LocalRuntimeConfig = {
      symbols: Option.getOrUndefined(flags.symbols),
      wsUrl: flags.wsUrl,
      restUrl: flags.restUrl,
      replay: Option.match(flags.replay, { onNone: () => undefined, onSome: (file) => ({ file, speed: Option.getOrUndefined(flags.speed) }) }),
      dataDir,
      port: flags.port,
      ...Option.match(flags.webhookUrl, { onNone: () => ({}), onSome: (webhookUrl) => ({ webhookUrl }) }),
      ...(anomalyConfig === undefined ? {} : { anomalyConfig }),
      tracing
    }
    const runtime = yield* runLocalRuntime(config)
    yield* Console.log(
      `BlockchainCore: ${runtime.symbols.join(", ")} → http://127.0.0.1:${runtime.port}/api/v3/klines?symbol=${runtime.symbols[0]}&interval=1m  (Ctrl-C to stop)`
    )
    // Runs until Ctrl-C, or until the producer cannot go on: then the process ends with the reason.
    return yield* runtime.stopped
  }, Effect.scoped)
).pipe(
  Command.withExamples([
    {
      command: "blockchaincore start --replay packages/testkit/data/binance-spot-trade-stream-BTCUSDT-ETHUSDT-20240808T2354Z.ndjson.gz --speed 10",
      description: "Offline: the repository's recording, 10× its pace"
    },
    { command: "blockchaincore start --symbols btcusdt,ethusdt,solusdt --port 8787", description: "Live from Binance" }
  ]),
  Command.withDescription("Run the whole pipeline locally: producer, queue, processor, store, HTTP API")
)
