/**
 * The compiler holds the package graph: `tsc -b` builds each package as a project that references
 * only what its manifest declares (scripts/architecture.test.ts checks that they agree), so an
 * import of any other package, or of one above it, fails the build. Planted in a copy of the
 * packages, never in the checkout a developer is working in.
 */
import { execFile } from "node:child_process"
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { promisify } from "node:util"
import { Schema } from "effect"
import { afterAll, describe, expect, it } from "vitest"

const ROOT = resolve(import.meta.dirname, "..")
const TSC = join(ROOT, "node_modules/typescript/bin/tsc")
const copy = mkdtempSync(join(tmpdir(), "package-graph-"))

// Sources and manifests only: tests, the recorded data and the dashboard's build have no part in it.
cpSync(join(ROOT, "packages"), join(copy, "packages"), {
  recursive: true,
  filter: (path) => !/\/(node_modules|test|data|dist)$/.test(path)
})
cpSync(join(ROOT, "tsconfig.base.json"), join(copy, "tsconfig.base.json"))
symlinkSync(join(ROOT, "node_modules"), join(copy, "node_modules"))
afterAll(() => rmSync(copy, { recursive: true, force: true }))

const build = (project: string) =>
  promisify(execFile)(process.execPath, [TSC, "-b", project], { cwd: copy }).then(
    () => ({ failed: false, output: "" }),
    (e: { stdout?: string }) => ({ failed: true, output: e.stdout ?? "" })
  )

/** Builds `project` with `file` planted in it, importing the producer's journal by `specifier`; the copy is left as it was. */
const buildPlanted = async (project: string, file: string, specifier: string) => {
  const path = join(copy, file)
  writeFileSync(path, `import { Journal } from "${specifier}"\nexport const planted = Journal\n`)
  try {
    return await build(project)
  } finally {
    rmSync(path)
  }
}

describe("tsc -b holds the package graph", () => {
  it("is the type check `npm run typecheck` runs, and `npm test` runs before any test", () => {
    const scripts = Schema.decodeUnknownSync(Schema.fromJsonString(Schema.Struct({ scripts: Schema.Record(Schema.String, Schema.String) })))(
      readFileSync(join(ROOT, "package.json"), "utf8")
    ).scripts
    expect(scripts["typecheck"]).toMatch(/&& tsc -b && tsc -p stacks$/)
    expect(scripts["test"]).toMatch(/&& tsc -b && tsc -p stacks && vitest run$/)
  })

  it("builds the packages as they are", async () => {
    expect(await build("packages/services")).toEqual({ failed: false, output: "" })
  })

  it("fails on an upward import: the domain importing the producer", async () => {
    const result = await buildPlanted("packages/core", "packages/core/src/Planted.ts", "@blockchaincore/producer/publish/Journal")
    expect(result.failed).toBe(true)
    expect(result.output).toContain("packages/core/src/Planted.ts")
    expect(result.output).toMatch(/error TS6307: File '.*packages\/producer\/src\/publish\/Journal\.ts' is not listed within the file list of project/)
  })

  it("fails on an import its manifest does not declare: the services importing the producer", async () => {
    const result = await buildPlanted("packages/services", "packages/services/src/Planted.ts", "@blockchaincore/producer/publish/Journal")
    expect(result.failed).toBe(true)
    expect(result.output).toMatch(/packages\/services\/src\/Planted\.ts.*error TS6307/)
  })

  it("fails on a relative path into a package it does not reference", async () => {
    const result = await buildPlanted("packages/services", "packages/services/src/Planted.ts", "../../producer/src/publish/Journal.ts")
    expect(result.failed).toBe(true)
    expect(result.output).toContain("error TS6307")
  })
})
