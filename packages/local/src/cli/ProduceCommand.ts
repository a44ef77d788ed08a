/**
 * `blockchaincore produce --symbols ... [--ws-url] [--rest-url] [--queue-url]`: the producer on
 * its own, publishing to an SQS FIFO queue (`--queue-url`), or with no queue URL to the local
 * in-process queue (the local runtime's consumers read it there). A status line every 10 s.
 */
import { SQSClient } from "@aws-sdk/client-sqs"
import { Console, Effect, Layer, Option, Schedule, Schema } from "effect"
import { Command, Flag } from "effect/cli"
import { DynamoDBClient } from "@aws-sdk/client-dynamodb"
import { makeDynamoCandleStore } from "@blockchaincore/aws/dynamodb/DynamoCandleStore"
import { layerSqsTradeQueue } from "@blockchaincore/aws/sqs/SqsTradeQueue"
import { resumePoints } from "../runtime/ResumePoints.ts"
import { DEFAULT_BATCHER, sqsBatcher } from "@blockchaincore/producer/batching/Batcher"
import { DEFAULT_REST } from "@blockchaincore/producer/gaps/BinanceRest"
import { runProducer } from "@blockchaincore/producer/Producer"
import { Journal } from "@blockchaincore/producer/publish/Journal"
import { DEFAULT_CLIENT } from "@blockchaincore/producer/stream/StreamClient"
import { DEFAULT_CONNECTION } from "@blockchaincore/producer/stream/StreamConnection"
import { DEFAULT_PLAN } from "@blockchaincore/producer/stream/StreamPlan"
import { InProcessEventBus } from "../bus/InProcessEventBus.ts"
import { InProcessTradeQueue } from "../queue/InProcessTradeQueue.ts"
import { statusLine } from "./statusLine.ts"
import { positiveInt, restUrlFlag, symbolsFlag, wsUrlFlag } from "./flags.ts"

export const produceCommand = Command.make(
  "produce",
  {
    symbols: symbolsFlag,
    wsUrl: wsUrlFlag,
    restUrl: restUrlFlag,
    queueUrl: Flag.String("queue-url").pipe(
      Flag.withSchema(Schema.String.pipe(Schema.check(Schema.isPattern(/^https:\/\/sqs\.[^\s]+\.fifo$/, { message: "Expected an SQS FIFO queue URL (https://sqs....fifo)" })))),
      Flag.optional,
      Flag.withDescription("SQS FIFO queue to publish to; without it, the local in-process queue")
    ),
    stateTable: Flag.String("state-table").pipe(
      Flag.withSchema(Schema.String.check(Schema.isPattern(/^[A-Za-z0-9_.-]{3,255}$/, { message: "Expected a DynamoDB table name" }))),
      Flag.optional,
      Flag.withDescription("The processor's state table (DynamoDB): resume each symbol after its last processed trade, so a restart's missed trades are filled from REST")
    ),
    journalDir: Flag.String("journal-dir").pipe(Flag.withDefault("./data/journal"), Flag.withDescription("Where batches wait while the queue is away")),
    shards: positiveInt("shards", `Shards of symbols, one message group each (default: one per symbol on SQS, else ${DEFAULT_BATCHER.shards})`)
  },
  Effect.fn("produce")(function*(flags) {
    const queue = Option.match(flags.queueUrl, {
      onNone: () => new InProcessTradeQueue().layer(),
      onSome: (queueUrl) => layerSqsTradeQueue({ client: new SQSClient({}), queueUrl, maxAttempts: 6, baseDelayMillis: 200 })
    })
    const layers = Layer.mergeAll(queue, new InProcessEventBus().layer(), Journal.layer(flags.journalDir))
    // Where the processor stands, per symbol: a trade id past it is a gap the producer fills from REST.
    const resumeFrom = yield* Option.match(flags.stateTable, {
      onNone: () => Effect.succeed(new Map<string, { readonly id: number; readonly time: number }>()),
      // Only states are read: the candle table's name is not needed.
      onSome: (table) => resumePoints(makeDynamoCandleStore({ client: new DynamoDBClient({}), candlesTable: table, stateTable: table }), flags.symbols)
    })
    yield* Effect.gen(function*() {
      const handle = yield* runProducer({
        resumeFrom,
        symbols: flags.symbols,
        wsUrl: flags.wsUrl,
        client: { ...DEFAULT_CONNECTION, ...DEFAULT_CLIENT },
        plan: DEFAULT_PLAN,
        batcher: ((base) => ({ ...base, shards: Option.getOrElse(flags.shards, () => base.shards) }))(Option.isSome(flags.queueUrl) ? sqsBatcher(flags.symbols.length) : DEFAULT_BATCHER),
        rest: { ...DEFAULT_REST, baseUrl: flags.restUrl }
      })
      yield* Console.error(`producing ${flags.symbols.length} symbols from ${flags.wsUrl}; Ctrl-C to stop`)
      return yield* Effect.suspend(() => Console.error(statusLine(handle.metrics()))).pipe(Effect.repeat(Schedule.spaced(10_000)), Effect.andThen(Effect.never))
    }).pipe(Effect.scoped, Effect.provide(layers))
  })
).pipe(Command.withDescription("Run the producer: Binance trades to TradeBatches on the trades queue"))
