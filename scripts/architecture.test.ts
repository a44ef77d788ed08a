/**
 * The arrows between packages, read from the imports of every TypeScript file in the repository.
 * A package's name says what it holds (docs/architecture.md, "Where things are"); these rules keep it so:
 * - core is the domain: it imports `effect` and nothing else, not even Node.
 * - services are programs over core's ports: core only (and observability, to time their hops), no adapter inside.
 * - api is the HTTP API's definition and its handlers over the ports: core only.
 * - the dashboard (web/src) imports core and the API's definition only.
 * - the local and AWS runtimes never import each other.
 * - the live producer, the backfill and the shared adapters never import a runtime.
 * - each TypeScript project references what its manifest declares, and resolves our packages to
 *   their own files, so that `tsc -b` rejects an undeclared or upward import (the compiler holds that rule).
 * - a package is imported by name only through the modules its exports map makes public.
 * - no file imports another package's files by relative path: across packages, only by name.
 * - the manifests' dependencies form no cycle (a package's own tests may use testkit, a devDependency).
 * - a service's key names the package, folder and class that define it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative, resolve } from "node:path"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"

const ROOT = resolve(import.meta.dirname, "..")
const SKIP = new Set(["node_modules", "dist", ".sst", ".git", ".readme-test", "artifacts"])

const sourceFiles = (dir: string): Array<string> =>
  readdirSync(join(ROOT, dir)).flatMap((name) => {
    if (SKIP.has(name) || name.startsWith(".")) return []
    const path = join(dir, name)
    if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path)
    return /\.tsx?$/.test(name) && !name.endsWith(".d.ts") ? [path] : []
  })

const PACKAGES = readdirSync(join(ROOT, "packages")).filter((p) => statSync(join(ROOT, "packages", p)).isDirectory())

const Names = Schema.Record(Schema.String, Schema.String)
const Manifest = Schema.Struct({ dependencies: Schema.optional(Names), devDependencies: Schema.optional(Names), exports: Schema.optional(Names) })
const Project = Schema.Struct({
  references: Schema.optional(Schema.Array(Schema.Struct({ path: Schema.String }))),
  compilerOptions: Schema.optional(Schema.Struct({ paths: Schema.optional(Schema.Record(Schema.String, Schema.Array(Schema.String))) }))
})

const readJson = <S extends Schema.Top & { readonly DecodingServices: never }>(schema: S, path: string): S["Type"] =>
  Schema.decodeUnknownSync(schema)(JSON.parse(readFileSync(join(ROOT, path), "utf8")))

const FILES = [...sourceFiles("packages"), ...sourceFiles("scripts"), ...sourceFiles("stacks"), "sst.config.ts"]

/** Every module a file names: static imports and re-exports, side-effect imports, dynamic imports. */
const importsOf = (file: string): Array<string> => {
  const text = readFileSync(join(ROOT, file), "utf8")
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s*["']([^"']+)["']/gm),
    ...text.matchAll(/^\s*import\s*["']([^"']+)["']/gm),
    ...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)
  ]
  return specifiers.map((m) => m[1]!)
}

const packageOf = (file: string): string | undefined => /^packages\/([^/]+)\//.exec(file)?.[1]

/** What a specifier reaches: another of our packages (by name or path), a relative file, or something else. */
const target = (file: string, specifier: string) => {
  const named = /^@blockchaincore\/([^/]+)(?:\/(.*))?$/.exec(specifier)
  if (named !== null) return { kind: "package" as const, pkg: named[1]!, path: named[2] ?? "" }
  if (specifier.startsWith(".")) {
    const path = relative(ROOT, resolve(join(ROOT, file, ".."), specifier))
    return { kind: "relative" as const, pkg: packageOf(path), path }
  }
  return { kind: "external" as const, pkg: undefined, path: specifier }
}

const EDGES = FILES.flatMap((file) => importsOf(file).map((specifier) => ({ file, specifier, to: target(file, specifier) })))

/** The edges of files under `prefix` that break `allowed`, as "file → specifier". */
const breaking = (prefix: string, allowed: (edge: (typeof EDGES)[number]) => boolean) =>
  EDGES.filter((e) => e.file.startsWith(prefix) && !allowed(e)).map((e) => `${e.file} → ${e.specifier}`)

const within = (pkg: string) => (e: (typeof EDGES)[number]) => e.to.kind === "relative" && e.to.pkg === pkg

describe("the architecture", () => {
  it("reads the imports of the whole repository", () => {
    // A guard on the reader itself: were the patterns wrong, every rule below would pass on nothing.
    expect(FILES.length).toBeGreaterThan(300)
    expect(EDGES.filter((e) => e.to.kind === "package").length).toBeGreaterThan(500)
    expect(breaking("packages/core/src/", () => false).length).toBeGreaterThan(50)
  })

  it("core imports only effect", () => {
    expect(breaking("packages/core/src/", (e) => within("core")(e) || e.specifier === "effect" || e.specifier.startsWith("effect/"))).toEqual([])
  })

  it("services import only core, and observability to time their hops", () => {
    expect(
      breaking(
        "packages/services/src/",
        (e) => within("services")(e) || /^effect(\/|$)/.test(e.specifier) || (e.to.kind === "package" && (e.to.pkg === "core" || e.to.pkg === "observability"))
      )
    ).toEqual([])
  })

  it("the API imports only core", () => {
    expect(
      breaking("packages/api/src/", (e) => within("api")(e) || /^effect(\/|$)/.test(e.specifier) || (e.to.kind === "package" && e.to.pkg === "core"))
    ).toEqual([])
  })

  it("the dashboard imports only core and the API's definition", () => {
    expect(
      breaking(
        "packages/web/src/",
        (e) =>
          within("web")(e) ||
          /^effect(\/|$)/.test(e.specifier) ||
          e.specifier === "lightweight-charts" ||
          (e.to.kind === "package" && (e.to.pkg === "core" || (e.to.pkg === "api" && e.to.path === "ReadApi")))
      )
    ).toEqual([])
  })

  it("the runtimes run the pipeline's stages, never their parts: the pipeline is composed in one file", () => {
    // What a stage is made of (the resumed producer, the warm start, the instruments, the hops) is
    // decided in pipeline/Pipeline.ts; a runtime that reached past it could drift from the other.
    const parts = [
      /^@blockchaincore\/producer\/ResumedProducer$/,
      /^@blockchaincore\/backfill\/warmStart\//,
      /^@blockchaincore\/binance\/instruments\/Instruments$/
    ]
    for (const prefix of ["packages/local/src/", "packages/aws/src/", "scripts/"]) {
      expect(breaking(prefix, (e) => !parts.some((p) => p.test(e.specifier)))).toEqual([])
    }
    const hops = FILES.filter((f) => /^packages\/(local|aws)\/src\//.test(f)).filter((f) =>
      /timedHop\(\s*"(enrich|process|consume)"/.test(readFileSync(join(ROOT, f), "utf8"))
    )
    expect(hops).toEqual([])
  })

  it("the local and AWS runtimes never import each other", () => {
    expect(breaking("packages/local/", (e) => e.to.pkg !== "aws")).toEqual([])
    expect(breaking("packages/aws/", (e) => e.to.pkg !== "local")).toEqual([])
  })

  it("the producer, the backfill and the shared adapters import no runtime, and not each other's insides", () => {
    const runtimes = new Set(["local", "aws", "web"])
    for (const pkg of ["producer", "backfill", "adapters", "replay", "pipeline"]) {
      expect(breaking(`packages/${pkg}/src/`, (e) => e.to.pkg === undefined || !runtimes.has(e.to.pkg))).toEqual([])
    }
    expect(breaking("packages/adapters/src/", (e) => e.to.pkg === undefined || e.to.pkg === "adapters" || e.to.pkg === "core")).toEqual([])
    expect(breaking("packages/backfill/src/", (e) => e.to.pkg !== "producer")).toEqual([])
    expect(breaking("packages/producer/src/", (e) => e.to.pkg !== "backfill")).toEqual([])
  })

  it("the compiler knows the manifests: each project references exactly the packages its package.json declares", () => {
    // `tsc -b` then rejects an import of any other package, and an upward one (scripts/packageGraph.test.ts plants both).
    const referenced = (config: string) =>
      readJson(Project, config)
        .references?.map((r) => relative(ROOT, resolve(ROOT, config, "..", r.path)))
        .sort() ?? []
    const mismatched = PACKAGES.flatMap((pkg) => {
      const manifest = readJson(Manifest, `packages/${pkg}/package.json`)
      const ours = (deps: Record<string, string> = {}) =>
        Object.keys(deps).flatMap((d) => (d.startsWith("@blockchaincore/") ? [`packages/${d.slice(16)}`] : []))
      const runs = ours(manifest.dependencies).sort()
      const tests = [...new Set([`packages/${pkg}`, ...runs, ...ours(manifest.devDependencies)])].sort()
      const found = [[`packages/${pkg}/tsconfig.json`, runs, referenced(`packages/${pkg}/tsconfig.json`)] as const]
      if (existsSync(join(ROOT, "packages", pkg, "test")))
        found.push([`packages/${pkg}/test/tsconfig.json`, tests, referenced(`packages/${pkg}/test/tsconfig.json`)])
      return found.flatMap(([config, expected, actual]) =>
        expected.join() === actual.join() ? [] : [`${config}: references ${actual.join(", ")}; the manifest says ${expected.join(", ")}`]
      )
    })
    expect(mismatched).toEqual([])
  })

  it("the scripts' project references exactly the packages the scripts import", () => {
    const imported = [...new Set(EDGES.filter((e) => e.file.startsWith("scripts/") && e.to.kind === "package").map((e) => `packages/${e.to.pkg}`))].sort()
    const referenced = (readJson(Project, "scripts/tsconfig.json").references ?? []).map((r) => relative(ROOT, resolve(ROOT, "scripts", r.path))).sort()
    expect(referenced).toEqual(imported)
  })

  it("the compiler resolves our packages to their files, as Node does: a path for each package's sources and each export outside them", () => {
    // Resolved through node_modules, another package's file would be a library's, and no project would reject it.
    const expected = Object.fromEntries(
      PACKAGES.flatMap((pkg) => [
        [`@blockchaincore/${pkg}/*`, [`./packages/${pkg}/src/*.ts`]],
        ...Object.entries(readJson(Manifest, `packages/${pkg}/package.json`).exports ?? {}).flatMap(([entry, file]) =>
          file.startsWith("./src/") || entry === "./package.json" ? [] : [[`@blockchaincore/${pkg}${entry.slice(1)}`, [`./packages/${pkg}${file.slice(1)}`]]]
        )
      ])
    )
    expect(readJson(Project, "tsconfig.base.json").compilerOptions?.paths).toEqual(expected)
    const built = (readJson(Project, "tsconfig.json").references ?? []).map((r) => r.path)
    expect(built.sort()).toEqual(
      [...PACKAGES.flatMap((p) => [`packages/${p}`, ...(existsSync(join(ROOT, "packages", p, "test")) ? [`packages/${p}/test`] : [])]), "scripts"].sort()
    )
  })

  it("a package is imported by name only through its exports map: the modules it makes public", () => {
    const unexported = EDGES.flatMap((e) => {
      if (e.to.kind !== "package") return []
      const exports = readJson(Manifest, `packages/${e.to.pkg}/package.json`).exports ?? {}
      return `./${e.to.path}` in exports ? [] : [`${e.file} → ${e.specifier}`]
    })
    expect(unexported).toEqual([])
    // Teeth: a package's exports are the modules others use, not every file it has.
    const core = Object.keys(readJson(Manifest, "packages/core/package.json").exports ?? {})
    expect(core.length).toBeLessThan(FILES.filter((f) => f.startsWith("packages/core/src/")).length)
  })

  it("no file imports another package's files by relative path", () => {
    const crossing = EDGES.filter((e) => e.to.kind === "relative" && e.to.path.startsWith("packages/") && e.to.pkg !== packageOf(e.file))
    expect(crossing.map((e) => `${e.file} → ${e.specifier}`)).toEqual([])
  })

  it("no cycle in the packages' manifests: what a package needs to run never needs it back", () => {
    const needs = new Map(
      PACKAGES.map((p) => {
        const manifest = readJson(Manifest, `packages/${p}/package.json`)
        return [p, Object.keys(manifest.dependencies ?? {}).flatMap((d) => (d.startsWith("@blockchaincore/") ? [d.slice("@blockchaincore/".length)] : []))]
      })
    )
    const cycles: Array<string> = []
    const walk = (p: string, path: ReadonlyArray<string>) => {
      if (path.includes(p)) return void cycles.push([...path.slice(path.indexOf(p)), p].join(" → "))
      for (const next of needs.get(p) ?? []) walk(next, [...path, p])
    }
    for (const p of PACKAGES) walk(p, [])
    expect(cycles).toEqual([])
    // The tests' kit is below every runtime: it may not need one.
    expect(needs.get("testkit")?.filter((d) => ["aws", "local"].includes(d))).toEqual([])
  })

  it("every service's key names its package, its folder and its class: where a reader finds it", () => {
    const misnamed = FILES.filter((f) => /^packages\/[^/]+\/src\//.test(f)).flatMap((file) => {
      const text = readFileSync(join(ROOT, file), "utf8")
      const [, pkg, path] = /^packages\/([^/]+)\/src\/(.*)$/.exec(file) ?? []
      const folder = (path ?? "").split("/").slice(0, -1).join("/")
      return [...text.matchAll(/class (\w+) extends [\w.]+\.Service<[\s\S]*?>\(\)\(\s*"([^"]+)"/g)].flatMap(([, name, key]) => {
        const expected = `@blockchaincore/${pkg}/${folder === "" ? "" : `${folder}/`}${name}`
        return key === expected ? [] : [`${file}: ${key}, not ${expected}`]
      })
    })
    expect(misnamed).toEqual([])
  })
})
