/**
 * `npm run aws:start -- --stage dev --region ap-northeast-1`: deploys the stage (`sst deploy`),
 * writes `.env.<stage>` from its outputs (never the stage itself: no file picks a later command's stage), and prints the URLs and the commands to watch it.
 */
import { spawnSync } from "node:child_process"
import { writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { Command } from "effect/cli"
import { runScriptCommand, scriptWork } from "./ops/ScriptCommand.ts"
import { STAGE_FLAGS } from "./ops/Stage.ts"
import { dotEnv, readStageOutputs } from "./ops/SstOutputs.ts"

const root = resolve(import.meta.dirname, "..")

const start = async ({ stage, region }: { readonly stage: string; readonly region: string }) => {
  console.error(`deploying stage ${stage} (sst deploy); this takes a few minutes the first time`)
  const deploy = spawnSync(join(root, "node_modules/.bin/sst"), ["deploy", "--stage", stage], { cwd: root, stdio: "inherit" })
  if (deploy.status !== 0) {
    console.error(`sst deploy failed (exit ${deploy.status ?? "signal"}): nothing written`)
    return deploy.status ?? 1
  }
  const outputs = readStageOutputs(root, stage, region)
  writeFileSync(join(root, `.env.${stage}`), dotEnv(outputs))
  console.log(`
Stage ${stage} is up. Wrote .env.${stage} (its outputs; SST reads it only for commands naming this stage).
  Dashboard      ${outputs.dashboard}
  API            ${outputs.dashboard}/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=5
  Trades queue   ${outputs.queue}
  Archive        s3://${outputs.archive}/archive/  (Athena workgroup ${outputs.athenaWorkgroup}, database ${outputs.glueDatabase})

Failed bus events (after fixing their cause):
  npm run aws:redrive -- --stage ${stage} --region ${region}
Watch it:
  npm run aws:monitor -- --stage ${stage} --region ${region}   queues, pipe, functions, last candles, cost
  npx sst dev --stage ${stage}                     run the functions and the producer locally, live
  aws logs tail /aws/lambda/<function> --follow   any function's log (names: npx sst state list --stage ${stage})
Tear it down:
  npm run aws:stop -- --stage ${stage} --region ${region}`)
  return 0
}

runScriptCommand(
  Command.make("aws:start", STAGE_FLAGS, scriptWork("aws:start", start)).pipe(
    Command.withDescription("Deploy a stage with sst deploy, write .env.<stage> from its outputs, print its URLs"),
    Command.withExamples([{ command: "npm run aws:start -- --stage dev --region ap-northeast-1", description: "Deploy the dev stage in Tokyo" }])
  )
)
