/**
 * `npm run aws:backfill -- --stage prod --region ap-northeast-1 --symbols BTCUSDT --from 2024-01-01`:
 * starts the stage's backfill task (scripts/ops/BackfillRun.ts) and says how to follow it. Started
 * again with the same period, it goes on from its ledger in the archive bucket.
 */
import { resolve } from "node:path"
import { ECSClient, RunTaskCommand } from "@aws-sdk/client-ecs"
import { Command } from "effect/cli"
import { BACKFILL_FLAGS, backfillArgs, runTaskRequest } from "./ops/BackfillRun.ts"
import { runScriptCommand, scriptWork } from "./ops/ScriptCommand.ts"
import { readStageOutputs } from "./ops/SstOutputs.ts"
import { DAY_MILLIS, utcDayOf } from "@blockchaincore/core/time/UtcTime"

runScriptCommand(
  Command.make(
    "aws:backfill",
    BACKFILL_FLAGS,
    scriptWork("aws:backfill", async (flags) => {
      const { stage, region, environment } = backfillArgs(flags, utcDayOf(Date.now() - DAY_MILLIS))
      const outputs = readStageOutputs(resolve(import.meta.dirname, ".."), stage, region)
      const started = await new ECSClient({ region }).send(new RunTaskCommand(runTaskRequest(outputs, environment)))
      const failure = started.failures?.[0]
      if (failure !== undefined) {
        console.error(`the backfill task did not start: ${failure.reason ?? "unknown"} (${failure.arn ?? ""})`)
        return 1
      }
      console.log(
        `backfill ${environment["BACKFILL_SYMBOLS"]} ${environment["BACKFILL_FROM"]} → ${environment["BACKFILL_TO"]}: task ${started.tasks?.[0]?.taskArn ?? "?"} on ${outputs.cluster}; its progress is in its CloudWatch log group (every 30 s)`
      )
      return 0
    })
  ).pipe(
    Command.withDescription("Start the stage's backfill task: a period of Binance's public archive into its candles and archive"),
    Command.withExamples([
      {
        command: "npm run aws:backfill -- --stage prod --region ap-northeast-1 --symbols BTCUSDT --from 2024-01-01",
        description: "BTCUSDT's trades from 2024 to yesterday"
      },
      {
        command: "npm run aws:backfill -- --stage prod --region ap-northeast-1 --symbols BTCUSDT,ETHUSDT --from 2024-01-01 --to 2024-12-31 --kind aggTrades",
        description: "A year's candles only"
      }
    ])
  )
)
