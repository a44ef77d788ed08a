/**
 * A built function loaded as Lambda loads it: its folder copied into an empty directory (the
 * bundle and the `install` packages, nothing of the project), then a fresh Node process with only
 * Lambda's variables, the function's own environment and its links as `SST_RESOURCE_*` imports
 * the bundle and calls the handler once with an event that is not one it accepts. Loading proves
 * every import resolves; the call builds the function's layers (where DuckDB is loaded, for the
 * archival consumer) and shows the input is decoded and refused, not a crash.
 */
import { spawn } from "node:child_process"
import { cpSync, mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { BuiltFunction } from "./sstNodeBuild.ts"

export interface LoadOutcome {
  readonly loaded: boolean
  /** What the one call returned, or the message it failed with. */
  readonly answer: string
  readonly stderr: string
}

const PROBE = `
const [bundle, exportName] = process.argv.slice(1)
const module = await import(bundle)
const handler = module[exportName]
if (typeof handler !== "function") { console.log(JSON.stringify({ loaded: false, answer: "no export " + exportName })); process.exit(0) }
let answer
try { answer = "returned " + JSON.stringify(await handler({ probe: "not an event this function takes" })) }
catch (e) { answer = "failed: " + (e instanceof Error ? e.message : String(e)) }
console.log(JSON.stringify({ loaded: true, answer }))
`

export const loadAsLambda = (built: BuiltFunction, environment: Readonly<Record<string, string>>): Promise<LoadOutcome> => {
  const task = mkdtempSync(join(tmpdir(), "lambda-task-"))
  cpSync(built.out, task, { recursive: true })
  const dot = built.handler.lastIndexOf(".")
  const bundle = join(task, `${built.handler.slice(0, dot)}.mjs`)
  const links = Object.fromEntries(Object.entries(built.request.links).map(([name, properties]) => [`SST_RESOURCE_${name}`, JSON.stringify(properties)]))
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", PROBE, bundle, built.handler.slice(dot + 1)], {
      cwd: task,
      env: {
        PATH: process.env["PATH"] ?? "",
        AWS_REGION: "ap-northeast-1",
        AWS_LAMBDA_FUNCTION_NAME: built.request.functionID,
        LAMBDA_TASK_ROOT: task,
        NODE_PATH: "",
        SST_RESOURCE_App: JSON.stringify({ name: "blockchaincore", stage: "test" }),
        ...links,
        ...environment
      },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let out = ""
    let err = ""
    child.stdout.on("data", (c) => (out += String(c)))
    child.stderr.on("data", (c) => (err += String(c)))
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000)
    child.on("error", reject)
    child.on("exit", () => {
      clearTimeout(timer)
      const line = out.trim().split("\n").at(-1) ?? ""
      try {
        const parsed: { loaded: boolean; answer: string } = JSON.parse(line)
        resolve({ ...parsed, stderr: err })
      } catch {
        resolve({ loaded: false, answer: `the process printed no outcome`, stderr: err })
      }
    })
  })
}
