/**
 * The whole infrastructure program, run offline (no AWS account, no Pulumi CLI): sst.config.ts is
 * bundled the way the SST CLI bundles it (its globals defined, its shim injected, `aws` and `sst`
 * set as globals by the entry, Pulumi and the AWS SDK left external) and run in a child process under Pulumi's
 * mocks, as `sst deploy` runs it or as `sst dev` does (`$dev` true), with a loopback server
 * answering the calls components make back to the CLI: asset bucket names, and function builds,
 * which it really builds as SST does (sstNodeBuild.ts) so the bundles can be loaded afterwards.
 * What comes back is every resource declared, with its inputs, and every function build asked for.
 * Relies on SST internals: sst is pinned in package.json.
 */
import { spawn } from "node:child_process"
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { createServer } from "node:http"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { Schema } from "effect"
import { build } from "esbuild"
import { BuildRequest, buildAsSst, type BuiltFunction } from "./sstNodeBuild.ts"

export const ROOT = resolve(import.meta.dirname, "../../..")
const PLATFORM = join(ROOT, ".sst/platform")

export interface Resource {
  readonly type: string
  readonly name: string
  readonly inputs: Record<string, unknown>
  readonly physical: string
  readonly arn: string
  /** What a component registered as its outputs. */
  readonly outputs?: Record<string, unknown>
  /** Kept in the account when the stage is removed or the resource replaced. */
  readonly retainOnDelete?: boolean
  /** The inputs Pulumi holds as secrets: encrypted in the state. */
  readonly secretInputs?: ReadonlyArray<string>
}

export interface OfflineRun {
  readonly app: { readonly name: string; readonly protect?: boolean; readonly removal?: string; readonly providers?: Record<string, unknown> }
  readonly resources: ReadonlyArray<Resource>
  /** The program's outputs (what `sst deploy` prints and writes to .sst/outputs.json). */
  readonly outputs: Record<string, unknown>
  /** Each function built for a deploy, as SST builds it. */
  readonly builds: ReadonlyArray<BuiltFunction>
  /** Each function registered for `sst dev`'s live invocations. */
  readonly devTargets: ReadonlyArray<string>
}

export interface OfflineOptions {
  /** Run as `sst dev` does: `$dev` true, functions as bridges to local workers. */
  readonly dev?: boolean
}

let bundled: Promise<string> | undefined

const bundle = (): Promise<string> =>
  (bundled ??= (async () => {
    const dir = join(PLATFORM, "offline")
    mkdirSync(dir, { recursive: true })
    // $app and $cli are read when components load: they come from the environment the harness sets.
    const preamble = join(dir, "preamble.mjs")
    writeFileSync(
      preamble,
      `globalThis.__OFFLINE_APP = JSON.parse(process.env.OFFLINE_APP);\nglobalThis.__OFFLINE_CLI = JSON.parse(process.env.OFFLINE_CLI);\nglobalThis.__OFFLINE_DEV = process.env.OFFLINE_DEV === "true";\n`
    )
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
      define: { $app: "globalThis.__OFFLINE_APP", $cli: "globalThis.__OFFLINE_CLI", $dev: "globalThis.__OFFLINE_DEV" },
      external: ["@pulumi/*", "@aws-sdk/*", "esbuild", "@duckdb/*"],
      banner: { js: `import { createRequire as __createRequire } from "module"; const require = __createRequire(import.meta.url);` }
    })
    return outfile
  })())

/** A JSON-RPC call from the program: its params are a list of one argument. */
const CliCall = Schema.Struct({ method: Schema.String, params: Schema.Tuple([Schema.Unknown]) })
const DevTarget = Schema.Struct({ functionID: Schema.String })

/** Builds are the same for every run of one test file: each function is built once. */
const built = new Map<string, Promise<BuiltFunction>>()
const BUILD_ROOT = mkdtempSync(join(tmpdir(), "offline-builds-"))

/** Answers what components ask the CLI for: the asset bucket, builds, dev targets. */
const startCliStandIn = async () => {
  const builds: Array<Promise<BuiltFunction>> = []
  const devTargets: Array<string> = []
  const answer = async (body: string): Promise<unknown> => {
    const call = Schema.decodeUnknownSync(Schema.fromJsonString(CliCall))(body)
    switch (call.method) {
      case "Provider.Aws.Bootstrap":
        return {
          asset: "sst-asset-offline",
          assetEcrRegistryId: "123456789012",
          assetEcrUrl: "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/sst-asset",
          state: "sst-state-offline",
          appsyncHttp: "",
          appsyncRealtime: ""
        }
      case "Provider.Aws.Appsync":
        return { http: "offline.appsync-api.ap-northeast-1.amazonaws.com", realtime: "offline.appsync-realtime-api.ap-northeast-1.amazonaws.com" }
      case "Runtime.AddTarget":
        devTargets.push(Schema.decodeUnknownSync(DevTarget)(call.params[0]).functionID)
        return {}
      case "Runtime.Build": {
        const request = Schema.decodeUnknownSync(BuildRequest)(call.params[0])
        const key = JSON.stringify(request)
        const build = built.get(key) ?? buildAsSst(ROOT, BUILD_ROOT, request)
        built.set(key, build)
        builds.push(build)
        const result = await build
        return { handler: result.handler, out: result.out, errors: [], sourcemaps: [] }
      }
      default:
        return {}
    }
  }
  const server = createServer((req, res) => {
    let body = ""
    req.on("data", (c) => (body += String(c)))
    req.on("end", () => {
      answer(body).then(
        (result) => {
          res.writeHead(200, { "content-type": "application/json" })
          res.end(JSON.stringify({ result, error: null, id: 0 }))
        },
        (e: unknown) => {
          res.writeHead(200, { "content-type": "application/json" })
          res.end(JSON.stringify({ result: null, error: `${e instanceof Error ? e.message : String(e)} (answering ${body.slice(0, 2000)})`, id: 0 }))
        }
      )
    })
  })
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
  const address = server.address()
  if (address === null || typeof address === "string") throw new Error("no port")
  return {
    url: `http://127.0.0.1:${address.port}`,
    builds: () => Promise.all(builds),
    devTargets: () => [...devTargets],
    close: () => new Promise<void>((r) => server.close(() => r()))
  }
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

export const runOffline = async (
  stage: string,
  mode: "config" | "extra",
  env: Readonly<Record<string, string>> = {},
  options: OfflineOptions = {}
): Promise<OfflineRun> => {
  const dev = options.dev ?? false
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
          OFFLINE_CLI: JSON.stringify({
            command: dev ? "dev" : "deploy",
            paths: { root: ROOT, platform: PLATFORM, work: work, home: work },
            state: { version: {} }
          }),
          OFFLINE_DEV: String(dev),
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
    const parsed: Omit<OfflineRun, "builds" | "devTargets"> = JSON.parse(output)
    return { ...parsed, builds: await cli.builds(), devTargets: cli.devTargets() }
  } finally {
    await cli.close()
    void work
  }
}
