/**
 * `npm run aws:monitor -- --stage dev` (a deployed stage) or `npm run aws:monitor -- --local
 * http://127.0.0.1:8787` (a local runtime): one snapshot of the pipeline's health, printed.
 * Repeat with `watch -n 30 npm run aws:monitor -- ...`.
 */
import { readFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { awsSnapshot } from "./monitor/AwsSource.ts"
import { localSnapshot } from "./monitor/LocalSource.ts"
import { render } from "./monitor/Snapshot.ts"
import { opsArgs } from "./ops/Stage.ts"
import { decodeOutputs } from "./ops/SstOutputs.ts"

const root = resolve(import.meta.dirname, "..")
const args = opsArgs(process.argv.slice(2), process.env)
const snapshot = args.local !== undefined
  ? await localSnapshot(args.local, Date.now())
  : await awsSnapshot(args.stage, decodeOutputs(readFileSync(join(root, ".sst/outputs.json"), "utf8")), Date.now())
console.log(render(snapshot))
