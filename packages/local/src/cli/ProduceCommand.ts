/**
 * `blockchaincore produce --symbols ... [--ws-url] [--rest-url]`: the producer on its own,
 * publishing to the local in-process queue, with a status line every 10 s. The producer that
 * publishes to SQS is the AWS side's entry point (packages/aws/src/producer/main.ts): the local
 * edge never loads AWS adapters.
 */
import { Console, Effect, Layer, Option, Schedule } from "effect"
import { Command, Flag } from "effect/cli"
import { DEFAULT_BATCHER } from "@blockchaincore/producer/batching/Batcher"
import { statusLine } from "@blockchaincore/producer/metrics/statusLine"
import { positiveInt, restUrlFlag, symbolsFlag, wsUrlFlag } from "./flags.ts"
import { writableDirectory } from "../paths/PathChecks.ts"

export const produceCommand = Command.make(
  "produce",
  {
    symbols: symbolsFlag,
    wsUrl: wsUrlFlag,
    restUrl: restUrlFlag,
    journalDir: Flag.String("journal-dir").pipe(
      Flag.withDefault("./data/journal"),
      Flag.withDescription(`Where batches wait while the queue is away (default ./data/journal)`)
    ),
    shards: positiveInt("shards", `Shards of symbols, one message group each (default ${DEFAULT_BATCHER.shards})`)
  },
  Effect.fn("produce")(function* (flags) {
    const journalDir = yield* writableDirectory("--journal-dir", flags.journalDir)
    // The producer (and ws, SQLite) is loaded when this command runs: see cli/main.ts.
    const { produce } = yield* Effect.promise(() => import("@blockchaincore/pipeline/ProduceStage"))
    const { Journal } = yield* Effect.promise(() => import("@blockchaincore/producer/publish/Journal"))
    const { InProcessEventBus } = yield* Effect.promise(() => import("../memory/InProcessEventBus.ts"))
    const { SqliteTradeQueue } = yield* Effect.promise(() => import("../sqlite/SqliteTradeQueue.ts"))
    const { OutboundHttp } = yield* Effect.promise(() => import("@blockchaincore/adapters/http/OutboundHttp"))
    const { DEFAULT_REST, ExchangeRest } = yield* Effect.promise(() => import("@blockchaincore/binance/rest/BinanceRest"))
    const rest = ExchangeRest.layer({ ...DEFAULT_REST, baseUrl: flags.restUrl }).pipe(Layer.provide(OutboundHttp))
    const layers = Layer.mergeAll(new SqliteTradeQueue().layer(), InProcessEventBus.layer(), Journal.layer(journalDir), OutboundHttp, rest)
    yield* Effect.gen(function* () {
      // No processor runs beside it: it starts at the live edge.
      const handle = yield* produce({
        symbols: flags.symbols,
        wsUrl: flags.wsUrl,
        batcher: { ...DEFAULT_BATCHER, shards: Option.getOrElse(flags.shards, () => DEFAULT_BATCHER.shards) },
        states: undefined
      })
      yield* Console.error(`producing ${flags.symbols.length} symbols from ${flags.wsUrl}; Ctrl-C to stop`)
      const status = Effect.suspend(() => Console.error(statusLine(handle.metrics()))).pipe(
        Effect.repeat(Schedule.spaced(10_000)),
        Effect.andThen(Effect.never)
      )
      return yield* Effect.raceFirst(status, handle.stopped)
    }).pipe(Effect.scoped, Effect.provide(layers))
  })
).pipe(
  Command.withExamples([
    { command: "blockchaincore produce --symbols btcusdt,ethusdt", description: "Live trades from Binance onto the local queue, until Ctrl-C" }
  ]),
  Command.withDescription("Run the producer: Binance trades to TradeBatches on the local queue")
)
