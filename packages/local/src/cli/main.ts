/**
 * The `blockchaincore` command line: the commands, and the Node layers they run on. Each command
 * loads what only it needs (the runtime, DuckDB, the producer and ws) when it runs, so that a
 * short command, `candles` above all, starts fast and stays small.
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Effect } from "effect"
import { Command } from "effect/cli"
import { backfillCommand } from "./BackfillCommand.ts"
import { candlesCommand } from "./CandlesCommand.ts"
import { produceCommand } from "./ProduceCommand.ts"
import { queryCommand } from "./QueryCommand.ts"
import { recordCommand } from "./RecordCommand.ts"
import { replayServerCommand } from "./ReplayServerCommand.ts"
import { startCommand } from "./StartCommand.ts"

const blockchaincore = Command.make("blockchaincore").pipe(
  Command.withDescription("Exact candles from Binance trades"),
  Command.withSubcommands([startCommand, candlesCommand, queryCommand, backfillCommand, produceCommand, recordCommand, replayServerCommand])
)

export const main = () =>
  Command.run(blockchaincore, { version: "0.1.0" }).pipe(Effect.provide(NodeServices.layer), NodeRuntime.runMain)
