/// <reference path="../.sst/platform/config.d.ts" />
/**
 * Settings every function shares: Node 24 (the Lambda runtime the project targets), Graviton,
 * a month of logs in JSON, without Lambda's per-invocation START/END/REPORT lines (system log
 * level WARN): at a million invocations a month those lines alone cost more than the functions'
 * compute, and durations are in CloudWatch's metrics anyway.
 *
 * DuckDB (a native module) is never bundled: every handler that can reach the S3 archive's
 * compaction imports it only when that layer is built, and only the function that builds it (the
 * archival consumer) has it installed beside its bundle (`withDuckDb`). The test
 * stacks/test/bundles.test.ts bundles every function as SST does and loads it as Lambda would.
 */
import { existsSync } from "node:fs"
import { execFileSync } from "node:child_process"
import { join } from "node:path"
import awsPackage from "@blockchaincore/aws/package.json" with { type: "json" }
import adaptersPackage from "@blockchaincore/adapters/package.json" with { type: "json" }

export const HANDLERS = "packages/aws/src/handlers"

export const DUCKDB = "@duckdb/node-api"
/** The binding DuckDB loads on Lambda's x86_64 Linux (glibc). */
export const DUCKDB_LAMBDA_BINDING = "@duckdb/node-bindings-linux-x64"
/** Pinned exactly in packages/aws/package.json: what the tests load is what Lambda gets. */
export const DUCKDB_VERSION = awsPackage.dependencies[DUCKDB]

/**
 * The one outbound HTTP client's engine (packages/adapters/src/http/OutboundHttp.ts). Bundled, it
 * would add 840 KiB to a bundle; external, it is installed beside the bundles that import it: the
 * consumer function's (one handler for every consumer, the webhook's among them) and the pipe's
 * two, which send their spans over OTLP when tracing is on. The API never imports it.
 */
export const UNDICI = "undici"
export const UNDICI_VERSION = adaptersPackage.dependencies[UNDICI]

export const baseFunction = {
  runtime: "nodejs24.x",
  architecture: "arm64",
  memory: "512 MB",
  logging: { retention: "1 month", format: "json" },
  nodejs: { esbuild: { external: [DUCKDB, UNDICI] } },
  transform: {
    function: (args: aws.lambda.FunctionArgs) => {
      args.loggingConfig = $output(args.loggingConfig).apply((c) => ({ logFormat: "JSON", ...c, systemLogLevel: "WARN", applicationLogLevel: "INFO" }))
    }
  }
} satisfies Partial<sst.aws.FunctionArgs>

/**
 * SST installs `nodejs.install` packages with npm for Linux and the function's CPU, but leaves
 * libc to the deploying machine's: deployed from macOS, npm matches neither Linux binding and
 * DuckDB cannot load. So the glibc binding is named in `install` itself (npm installs a named
 * package whatever the platform, SST passing --force), and after the build it is checked, and
 * installed with libc set if it is still missing; on a
 * Linux machine with glibc it is already there and nothing runs.
 */
export const ensureLinuxBinding = async (dir: string): Promise<void> => {
  if (existsSync(join(dir, "node_modules", DUCKDB_LAMBDA_BINDING))) return
  execFileSync("npm", ["install", "--force", "--no-audit", "--no-fund", "--os=linux", "--cpu=x64", "--libc=glibc"], { cwd: dir, stdio: "inherit" })
  if (!existsSync(join(dir, "node_modules", DUCKDB_LAMBDA_BINDING)))
    throw new Error(`${DUCKDB_LAMBDA_BINDING} is not installed in ${dir}: DuckDB would not load on Lambda`)
}

/** DuckDB's binding is x86_64 here so the bundle test can load it on this machine's CPU, as Lambda will. */
export const withDuckDb = {
  architecture: "x86_64",
  memory: "1024 MB",
  hook: { postbuild: ensureLinuxBinding }
} satisfies Partial<sst.aws.FunctionArgs>

/** What a function installs beside its bundle: DuckDB where it writes Parquet, undici where its handler can call out. */
export const nodejsFor = (uses: { readonly duckDb: boolean; readonly outboundHttp: boolean }) =>
  ({
    esbuild: { external: [DUCKDB, UNDICI] },
    install: {
      ...(uses.duckDb ? { [DUCKDB]: DUCKDB_VERSION, [DUCKDB_LAMBDA_BINDING]: DUCKDB_VERSION } : {}),
      ...(uses.outboundHttp ? { [UNDICI]: UNDICI_VERSION } : {})
    }
  }) satisfies sst.aws.FunctionArgs["nodejs"]
