/**
 * `npm run aws:monitor -- --stage dev --region ap-northeast-1` (a deployed stage) or
 * `npm run aws:monitor -- --local http://127.0.0.1:8787` (a local runtime): one snapshot of the
 * pipeline's health, printed. Repeat with `watch -n 30 npm run aws:monitor -- ...`.
 */
import { resolve } from "node:path"
import { Command } from "effect/cli"
import { awsSnapshot } from "./monitor/AwsSource.ts"
import { localSnapshot } from "./monitor/LocalSource.ts"
import { render } from "./monitor/Snapshot.ts"
import { runScriptCommand, scriptWork } from "./ops/ScriptCommand.ts"
import { MONITOR_FLAGS, monitorTarget } from "./ops/Stage.ts"
import { readStageOutputs } from "./ops/SstOutputs.ts"

const root = resolve(import.meta.dirname, "..")

runScriptCommand(
  Command.make(
    "aws:monitor",
    MONITOR_FLAGS,
    scriptWork("aws:monitor", async (flags) => {
      const target = monitorTarget(flags)
      const snapshot =
        target._tag === "Local"
          ? await localSnapshot(target.local, Date.now())
          : await awsSnapshot(target.stage, readStageOutputs(root, target.stage, target.region), Date.now())
      console.log(render(snapshot))
      return 0
    })
  ).pipe(
    Command.withDescription("One snapshot of a stage's (or a local runtime's) health: queues, pipe, functions, last candles, this month's cost"),
    Command.withExamples([
      { command: "npm run aws:monitor -- --stage dev --region ap-northeast-1", description: "The dev stage" },
      { command: "npm run aws:monitor -- --local http://127.0.0.1:8787", description: "A local runtime" }
    ])
  )
)
