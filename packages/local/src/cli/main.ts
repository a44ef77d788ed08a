/**
 * The `blockchaincore` command line: the commands, and the Node layers they run on. Each command
 * loads what only it needs (the runtime, DuckDB, the producer and ws) when it runs, so that a
 * short command, `candles` above all, starts fast and stays small.
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Console, Effect } from "effect"
import { CliError, Command } from "effect/cli"
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"
import { backfillCommand } from "./BackfillCommand.ts"
import { candlesCommand } from "./CandlesCommand.ts"
import { hardStop } from "./HardStop.ts"
import { produceCommand } from "./ProduceCommand.ts"
import { queryCommand } from "./QueryCommand.ts"
import { recordCommand } from "./RecordCommand.ts"
import { replayServerCommand } from "./ReplayServerCommand.ts"
import { startCommand } from "./StartCommand.ts"

const blockchaincore = Command.make("blockchaincore").pipe(
  Command.withDescription("Exact candles from Binance trades"),
  Command.withSubcommands([startCommand, candlesCommand, queryCommand, backfillCommand, produceCommand, recordCommand, replayServerCommand])
)

/**
 * A command that fails says why in one line on stderr and exits 1 (bad SQL, a file that is not
 * there, a failed backfill): a stack trace is for bugs, which a defect still prints. The CLI's own
 * usage errors it has printed already, with the help.
 */
const reported = <A, E, R>(program: Effect.Effect<A, E, R>) =>
  program.pipe(
    Effect.tapError((e) => (CliError.isCliError(e) ? Effect.void : Console.error(`blockchaincore: ${errorMessage(e)}`))),
    Effect.tapDefect((defect) =>
      Console.error(`blockchaincore: a bug, please report it: ${defect instanceof Error ? (defect.stack ?? defect.message) : String(defect)}`)
    )
  )

export const main = () =>
  Command.run(blockchaincore, { version: "0.1.0" }).pipe(
    (run) => Effect.scoped(Effect.andThen(hardStop, run)),
    reported,
    Effect.provide(NodeServices.layer),
    (program) => NodeRuntime.runMain(program, { disableErrorReporting: true })
  )
