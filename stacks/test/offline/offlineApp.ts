/**
 * The whole infrastructure program, run offline (no AWS account, no Pulumi CLI): sst.config.ts is
 * bundled the way the SST CLI bundles it (its globals defined, its shim injected, `aws` and `sst`
 * set as globals by the entry, Pulumi and the AWS SDK left external) and run in a child process under Pulumi's
 * mocks, with a loopback server answering the calls components make back to the CLI (asset
 * bucket names, function builds). What comes back is every resource declared, with its inputs.
 * Relies on SST internals: sst is pinned in package.json.
 */
import { spawn } from "node:child_process"
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { createServer } from "node:http"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { build } from "esbuild"

export const ROOT = resolve(import.meta.dirname, "../../..")
const PLATFORM = join(ROOT, ".sst/platform")

export interface Resource {
  readonly type: string
  readonly name: string
  readonly inputs: Record<string, unknown>
  readonly physical: string
  readonly arn: string
}

export interface OfflineRun {
  readonly app: { readonly name: string; readonly protect?: boolean; readonly removal?: string; readonly providers?: Record<string, unknown> }
  readonly resources: ReadonlyArray<Resource>
}

let bundled: Promise<string> | undefined

const bundle = (): Promise<string> =>
  (bundled ??= (async () => {
    const dir = join(PLATFORM, "offline")
    mkdirSync(dir, { recursive: true })
    // $app and $cli are read when components load: they come from the environment the harness sets.
    const preamble = join(dir, "preamble.mjs")
    writeFileSync(preamble, `globalThis.__OFFLINE_APP = JSON.parse(process.env.OFFLINE_APP);\nglobalThis.__OFFLINE_CLI = JSON.parse(process.env.OFFLINE_CLI);\n`)
    const outfile = join(dir, "app.mjs")
    await build({
      entryPoints: [join(import.meta.dirname, "entry.ts")],
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node22",
      logLevel: "error",
      inject: [preamble, join(PLATFORM, "src/shim/run.js")],
      define: { $app: "globalThis.__OFFLINE_APP", $cli: "globalThis.__OFFLINE_CLI", $dev: "false" },
      external: ["@pulumi/*", "@aws-sdk/*", "esbuild", "@duckdb/*"],
      banner: { js: `import { createRequire as __createRequire } from "module"; const require = __createRequire(import.meta.url);` }
    })
    return outfile
  })())

/** Answers what components ask the CLI for: the asset bucket, and a built handler to zip. */
const startCliStandIn = async () => {
  const handlerDir = mkdtempSync(join(tmpdir(), "offline-handler-"))
  writeFileSync(join(handlerDir, "index.mjs"), "export const handler = async () => ({})\n")
  const server = createServer((req, res) => {
    let body = ""
    req.on("data", (c) => (body += String(c)))
    req.on("end", () => {
      const method: unknown = JSON.parse(body).method
      const result =
        method === "Provider.Aws.Bootstrap"
          ? { asset: "sst-asset-offline", assetEcrRegistryId: "123456789012", assetEcrUrl: "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/sst-asset", state: "sst-state-offline", appsyncHttp: "", appsyncRealtime: "" }
          : method === "Runtime.Build"
            ? { handler: "index.handler", out: handlerDir, errors: [], sourcemaps: [] }
            : {}
      res.writeHead(200, { "content-type": "application/json" })
      res.end(JSON.stringify({ result, error: null, id: 0 }))
    })
  })
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
  const address = server.address()
  if (address === null || typeof address === "string") throw new Error("no port")
  return { url: `http://127.0.0.1:${address.port}`, close: () => new Promise<void>((r) => server.close(() => r())) }
}

/** The app's settings for `stage`, from sst.config.ts's own app(). */
export const appSettings = async (stage: string): Promise<OfflineRun["app"]> => {
  const dir = join(PLATFORM, "offline")
  mkdirSync(dir, { recursive: true })
  const identity = join(dir, "config-identity.mjs")
  writeFileSync(identity, "export const $config = (input) => input;\n")
  const outfile = join(dir, "config.mjs")
  await build({ entryPoints: [join(ROOT, "sst.config.ts")], outfile, bundle: true, platform: "node", format: "esm", logLevel: "error", inject: [identity] })
  const config: unknown = (await import(`${outfile}?${Date.now()}`)).default
  if (typeof config !== "object" || config === null || !("app" in config) || typeof config.app !== "function") throw new Error("sst.config.ts has no app()")
  return config.app({ stage })
}

export const runOffline = async (stage: string, mode: "config" | "extra", env: Readonly<Record<string, string>> = {}): Promise<OfflineRun> => {
  const app = await bundle()
  const settings = await appSettings(stage)
  const cli = await startCliStandIn()
  const work = mkdtempSync(join(tmpdir(), "offline-work-"))
  try {
    const output = await new Promise<string>((resolveRun, reject) => {
      const child = spawn(process.execPath, [app], {
        cwd: ROOT,
        env: {
          PATH: process.env["PATH"] ?? "",
          SST_SERVER: cli.url,
          OFFLINE_STAGE: stage,
          OFFLINE_MODE: mode,
          PULUMI_NODEJS_STACK: stage,
          OFFLINE_APP: JSON.stringify({ ...settings, stage, providers: settings.providers ?? {} }),
          OFFLINE_CLI: JSON.stringify({ command: "deploy", paths: { root: ROOT, platform: PLATFORM, work: work, home: work }, state: { version: {} } }),
          ...env
        },
        stdio: ["ignore", "pipe", "pipe"]
      })
      let out = ""
      let err = ""
      child.stdout.on("data", (c) => (out += String(c)))
      child.stderr.on("data", (c) => (err += String(c)))
      const timer = setTimeout(() => child.kill("SIGKILL"), 120_000)
      child.on("exit", (code) => {
        clearTimeout(timer)
        if (code === 0) resolveRun(out)
        else reject(new Error(`the offline run failed (${code}):\n${err.slice(-4000)}`))
      })
    })
    return JSON.parse(output)
  } finally {
    await cli.close()
    void work
  }
}
