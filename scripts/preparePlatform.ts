/**
 * Makes SST's platform available offline, for type-checking stacks/ against SST's real component
 * and provider types and for the offline run of the infrastructure program: `sst install` copies
 * the platform the CLI embeds into .sst/platform and installs its npm dependencies (no AWS
 * account, no Pulumi download). Skipped when the installed platform is this sst version's.
 */
import { execFileSync } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { join, resolve } from "node:path"

const root = resolve(import.meta.dirname, "..")
const platform = join(root, ".sst/platform")
const wanted: unknown = JSON.parse(readFileSync(join(root, "node_modules/sst/package.json"), "utf8")).version
const installed = existsSync(join(platform, "version")) ? readFileSync(join(platform, "version"), "utf8").trim() : undefined

if (installed === wanted && existsSync(join(platform, "config.d.ts")) && existsSync(join(platform, "node_modules/@pulumi/aws"))) {
  process.exit(0)
}
console.error(`installing SST's platform ${String(wanted)} into .sst/platform (about 20 s, once)`)
execFileSync(join(root, "node_modules/.bin/sst"), ["install", "--stage", "dev"], {
  cwd: root,
  stdio: ["ignore", "inherit", "inherit"],
  env: { ...process.env, SST_SKIP_DEPENDENCY_CHECK: "1", SST_NO_BUN: "1", SST_TELEMETRY_DISABLED: "1" }
})
