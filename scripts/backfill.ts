/**
 * `npm run aws:backfill -- --stage prod --region ap-northeast-1 --symbols BTCUSDT --from 2024-01-01 [--to 2024-12-31] [--kind trades|aggTrades]`:
 * starts the stage's backfill task (scripts/ops/BackfillRun.ts) and says how to follow it. Started
 * again with the same period, it goes on from its ledger in the archive bucket.
 */
import { resolve } from "node:path"
import { ECSClient, RunTaskCommand } from "@aws-sdk/client-ecs"
import { backfillArgs, runTaskRequest } from "./ops/BackfillRun.ts"
import { readStageOutputs } from "./ops/SstOutputs.ts"
import { runScript } from "./ops/RunScript.ts"

await runScript("aws:backfill", async () => {
  const { stage, region, environment } = backfillArgs(process.argv.slice(2), new Date(Date.now() - 86_400_000).toISOString().slice(0, 10))
  const outputs = readStageOutputs(resolve(import.meta.dirname, ".."), stage, region)
  const started = await new ECSClient({ region }).send(new RunTaskCommand(runTaskRequest(outputs, environment)))
  const failure = started.failures?.[0]
  if (failure !== undefined) {
    console.error(`the backfill task did not start: ${failure.reason ?? "unknown"} (${failure.arn ?? ""})`)
    return 1
  }
  console.log(`backfill ${environment["BACKFILL_SYMBOLS"]} ${environment["BACKFILL_FROM"]} → ${environment["BACKFILL_TO"]}: task ${started.tasks?.[0]?.taskArn ?? "?"} on ${outputs.cluster}; its progress is in its CloudWatch log group (every 30 s)`)
  return 0
})
