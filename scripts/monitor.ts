/**
 * `npm run aws:monitor -- --stage dev --region ap-northeast-1` (a deployed stage) or `npm run aws:monitor -- --local
 * http://127.0.0.1:8787` (a local runtime): one snapshot of the pipeline's health, printed.
 * Repeat with `watch -n 30 npm run aws:monitor -- ...`.
 */
import { resolve } from "node:path"
import { awsSnapshot } from "./monitor/AwsSource.ts"
import { localSnapshot } from "./monitor/LocalSource.ts"
import { render } from "./monitor/Snapshot.ts"
import { opsArgs } from "./ops/Stage.ts"
import { readStageOutputs } from "./ops/SstOutputs.ts"
import { runScript } from "./ops/RunScript.ts"

const root = resolve(import.meta.dirname, "..")
await runScript("aws:monitor", async () => {
  const args = opsArgs(process.argv.slice(2), { allowLocal: true })
  const snapshot = args._tag === "Local"
    ? await localSnapshot(args.local, Date.now())
    : await awsSnapshot(args.stage, readStageOutputs(root, args.stage, args.region), Date.now())
  console.log(render(snapshot))
  return 0
})
