/**
 * The operator scripts (`aws:*`, `cost`) are commands on effect/cli, as `blockchaincore` is: each
 * has `--help` with its flags, their defaults and an example; a flag that does not decode is
 * named with the usage; the script's work ends with the exit code it gives, or with one line
 * naming the script and the error (an AWS refusal, another stage's outputs), never a stack trace.
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Cause, Console, Effect, Exit } from "effect"
import { CliError, CliOutput, Command } from "effect/cli"
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"

const VERSION = "0.1.0"

/** A script's work as a command handler: its exit code, or its error in one line and 1. */
export const scriptWork =
  <Input>(name: string, work: (input: Input) => Promise<number>) =>
  (input: Input) =>
    Effect.tryPromise({ try: () => work(input), catch: (e) => e }).pipe(
      Effect.matchEffect({
        onSuccess: (code) => Effect.sync(() => void (process.exitCode = code)),
        onFailure: (e) => Console.error(`${name}: ${errorMessage(e)}`).pipe(Effect.andThen(Effect.sync(() => void (process.exitCode = 1))))
      })
    )

/** Runs `command` on the process's arguments. */
export const runScriptCommand = <Name extends string, Input, E>(command: Command.Command<Name, Input, {}, E, never>): void =>
  Command.run(command, { version: VERSION }).pipe(Effect.provide(NodeServices.layer), (program) =>
    NodeRuntime.runMain(program, { disableErrorReporting: true })
  )

/** What `argv` decodes to under a script's flags, without running anything (its tests); a refusal is an Error naming each flag that failed. */
export const decodeArgs = <const Config extends Command.Command.Config>(flags: Config, argv: ReadonlyArray<string>): Command.Command.Config.Infer<Config> => {
  let decoded: Command.Command.Config.Infer<Config> | undefined
  const command = Command.make("script", flags, (input) => Effect.sync(() => void (decoded = input)))
  const quiet = CliOutput.layerPresenter({ present: () => Effect.void })
  const exit = Effect.runSyncExit(Command.runWith(command, { version: VERSION, renderErrors: false })(argv).pipe(Effect.provide([NodeServices.layer, quiet])))
  if (Exit.isSuccess(exit) && decoded !== undefined) return decoded
  const failure = Exit.isFailure(exit) ? Cause.squash(exit.cause) : undefined
  const errors =
    CliError.isCliError(failure) && failure._tag === "ShowHelp"
      ? failure.errors.map((e) => e.message)
      : [failure === undefined ? "no input" : errorMessage(failure)]
  throw new Error(errors.join("; "))
}
