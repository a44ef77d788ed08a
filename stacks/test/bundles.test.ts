/**
 * Every function the app declares, built as `sst deploy` builds it and loaded as Lambda loads it:
 * the functions come from the program's own build requests (not a list kept here), each bundle is
 * imported in an empty directory with only its `install` packages beside it and its links in
 * `SST_RESOURCE_*`, and its handler is called once with an event it must refuse.
 */
import { readFileSync } from "node:fs"
import { beforeAll, describe, expect, it } from "vitest"
import { buildDashboard } from "@blockchaincore/web/build"
import { DUCKDB, DUCKDB_LAMBDA_BINDING, DUCKDB_VERSION, UNDICI, UNDICI_VERSION } from "../functions.ts"
import { loadAsLambda } from "./offline/loadAsLambda.ts"
import { type OfflineRun, runOffline } from "./offline/offlineApp.ts"

let run: OfflineRun

beforeAll(async () => {
  await buildDashboard("")
  run = await runOffline("dev", "config")
}, 180_000)

/** The Lambda function resource SST made for a build's function. */
const functionResource = (functionID: string) => {
  const found = run.resources.find((r) => r.type === "aws:lambda/function:Function" && r.name === `${functionID}Function`)
  if (found === undefined) throw new Error(`no Lambda function for ${functionID}`)
  return found
}
const environmentOf = (functionID: string): Record<string, string> => {
  const environment = functionResource(functionID).inputs["environment"]
  const variables = typeof environment === "object" && environment !== null && "variables" in environment ? environment.variables : {}
  return Object.fromEntries(
    Object.entries(typeof variables === "object" && variables !== null ? variables : {}).filter((e): e is [string, string] => typeof e[1] === "string")
  )
}

/** What each handler answers an event it does not take: refused by its schema, named. */
const REFUSALS: ReadonlyArray<readonly [RegExp, RegExp]> = [
  [/^Enrichment$/, /^failed: the pipe's enrichment payload is not a list of records/],
  [/^Processor$/, /^failed: the pipe's target payload is not a list/],
  [/^Api$/, /^returned \{"statusCode":400,.*not a function URL request/],
  [/^MarketSubscriber/, /^returned "malformed"$/]
]

describe("every function, built as SST builds it and loaded as Lambda loads it", () => {
  it("builds every Lambda function the program declares, and only those", () => {
    const declared = run.resources
      .filter((r) => r.type === "aws:lambda/function:Function")
      .map((r) => r.name)
      .sort()
    expect(run.builds.map((b) => `${b.request.functionID}Function`).sort()).toEqual(declared)
    expect(declared.length).toBeGreaterThanOrEqual(8)
  })

  it("loads each bundle in an empty directory and refuses a foreign event by its schema", async () => {
    const sizes: Array<string> = []
    for (const built of run.builds) {
      const outcome = await loadAsLambda(built, environmentOf(built.request.functionID))
      expect(outcome.loaded, `${built.request.functionID}: ${outcome.answer}\n${outcome.stderr}`).toBe(true)
      const refusal = REFUSALS.find(([id]) => id.test(built.request.functionID))?.[1]
      expect(refusal, built.request.functionID).toBeDefined()
      expect(outcome.answer, `${built.request.functionID}\n${outcome.stderr}`).toMatch(refusal ?? /never/)
      sizes.push(`${built.request.functionID}: ${(built.bundleBytes / 1024).toFixed(0)} KiB`)
    }
    console.log(`bundle sizes (minified, as deployed):\n${sizes.join("\n")}`)
  }, 240_000)

  it("DuckDB only where it is used: installed, pinned and glibc-bound for the archival function alone, bundled nowhere", () => {
    expect(DUCKDB_VERSION).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/)
    const installedVersion: unknown = JSON.parse(readFileSync(`node_modules/${DUCKDB}/package.json`, "utf8")).version
    expect(DUCKDB_VERSION).toBe(installedVersion)
    for (const built of run.builds) {
      const usesArchive = built.request.functionID === "MarketSubscriberarchivalFunction"
      expect(DUCKDB in built.installed, built.request.functionID).toBe(usesArchive)
      if (usesArchive) {
        expect(built.installed).toMatchObject({ [DUCKDB]: DUCKDB_VERSION, [DUCKDB_LAMBDA_BINDING]: DUCKDB_VERSION })
        expect(built.request.properties.architecture).toBe("x86_64")
      } else {
        expect(built.request.properties.architecture, built.request.functionID).toBe("arm64")
      }
      // Never inside a bundle: only the external import, loaded when the archive layer is built.
      expect(readFileSync(built.bundle, "utf8"), built.request.functionID).not.toContain("duckdb.node")
    }
  })

  it("undici only where a call can go out (the consumers' webhook, every traced function's spans): installed, pinned, beside those bundles alone, bundled nowhere, and loaded when the webhook's client is built", async () => {
    const installedVersion: unknown = JSON.parse(readFileSync(`node_modules/${UNDICI}/package.json`, "utf8")).version
    expect(UNDICI_VERSION).toBe(installedVersion)
    for (const built of run.builds) {
      const callsOut = built.request.functionID.startsWith("MarketSubscriber") || ["Enrichment", "Processor"].includes(built.request.functionID)
      expect(built.installed[UNDICI], built.request.functionID).toBe(callsOut ? UNDICI_VERSION : undefined)
      const bundle = readFileSync(built.bundle, "utf8")
      // undici's HTTP parser, a wasm module in its source: never inside a bundle; the API does not import it at all.
      expect(bundle, built.request.functionID).not.toContain("llhttp")
      expect(/from\s*"undici"/.test(bundle), built.request.functionID).toBe(callsOut)
    }
    // With a webhook URL set, the first call builds the client, which loads undici from beside the bundle.
    const webhook = run.builds.find((b) => b.request.functionID === "MarketSubscriberwebhookFunction")!
    const outcome = await loadAsLambda(webhook, {
      ...environmentOf(webhook.request.functionID),
      SST_RESOURCE_WebhookUrl: JSON.stringify({ value: "http://127.0.0.1:9/hook", type: "sst.sst.Secret" })
    })
    expect(outcome.answer, outcome.stderr).toBe('returned "malformed"')
  }, 60_000)

  it("keeps every bundle under 1.5 MiB for cold starts", () => {
    for (const built of run.builds) expect(built.bundleBytes, built.request.functionID).toBeLessThan(1.5 * 1024 * 1024)
  })
})
