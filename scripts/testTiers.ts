/**
 * The test tiers, decided by what a test file reaches, so that no list has to be kept:
 * - end to end: it runs the product as a user does (the CLI or the whole runtime in a process,
 *   the SST program, the browser);
 * - integration: it reaches outside its process by another way (a socket, an emulator, a server
 *   of its own, an embedded database it opens itself);
 * - unit: neither (the code under test may still keep files in a temporary folder); the whole
 *   tier runs in under a minute (`npm run test:unit`).
 * A file's reach includes the test helpers it imports (its package's test/support, testkit),
 * followed transitively; the code under test is not followed, since a test decides what it runs.
 */
import { existsSync, readFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"

export type Tier = "unit" | "integration" | "e2e"

const END_TO_END = /\b(startCli|startCliWithEnv|runCli|runLocalRuntime|runOffline|loadAsLambda|launchBrowser|spawn|execFile)\b|node:child_process/
const OUTSIDE =
  /\b(startDynalite|Dynalite|startS3rver|S3rverBucket|startFauxqs|startMoto|motoServer|ReplayServer|runAgainstReplay|createServer|startOtlpReceiver|startBusRouter|startPipe)\b|\.listen\(|node:net|node:http\b|node:sqlite|from "ws"|@duckdb/

const importsOf = (file: string, root: string): Array<string> => {
  const text = readFileSync(file, "utf8")
  const found: Array<string> = []
  for (const [, spec] of text.matchAll(/from "([^"]+)"/g)) {
    if (spec === undefined) continue
    const path = spec.startsWith(".")
      ? resolve(dirname(file), spec)
      : spec.startsWith("@blockchaincore/testkit/")
        ? join(root, "packages/testkit/src", `${spec.slice("@blockchaincore/testkit/".length)}.ts`)
        : undefined
    if (path !== undefined && existsSync(path) && (path.includes("/test/") || path.includes("/testkit/"))) found.push(path)
  }
  return found
}

export const tierOf = (file: string, root: string): Tier => {
  const seen = new Set<string>()
  const reach: Array<string> = []
  const visit = (path: string) => {
    if (seen.has(path)) return
    seen.add(path)
    reach.push(readFileSync(path, "utf8"))
    for (const next of importsOf(path, root)) visit(next)
  }
  visit(resolve(root, file))
  if (reach.some((text) => END_TO_END.test(text))) return "e2e"
  return reach.some((text) => OUTSIDE.test(text)) ? "integration" : "unit"
}
