/**
 * A function built as SST 4's Node runtime builds it for a deploy: the handler bundled by esbuild
 * (ESM, node platform, `module`/`main` fields, names kept, the `createRequire` banner, `sharp`,
 * `pg-native` and the `install` packages external), minified unless the function says not, and
 * the `install` packages put beside the bundle in node_modules. SST installs them with npm for
 * linux and the function's CPU; here they are copied, with their dependencies, from the
 * project's node_modules, which hold the x64 glibc Linux packages this machine runs: the same
 * files npm would fetch for an x86_64 function.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { join, relative } from "node:path"
import { Schema } from "effect"
import { build } from "esbuild"

/** What a `Runtime.Build` request carries of a Node function (other fields are ignored). */
export const BuildRequest = Schema.Struct({
  functionID: Schema.String,
  handler: Schema.String,
  links: Schema.Record(Schema.String, Schema.Record(Schema.String, Schema.Unknown)),
  properties: Schema.Struct({
    architecture: Schema.Literals(["x86_64", "arm64"]),
    install: Schema.optional(Schema.Union([Schema.Array(Schema.String), Schema.Record(Schema.String, Schema.String)])),
    esbuild: Schema.optional(Schema.Struct({ external: Schema.optional(Schema.Array(Schema.String)) })),
    minify: Schema.optional(Schema.Boolean)
  })
})
export type BuildRequest = typeof BuildRequest.Type

export interface BuiltFunction {
  readonly request: BuildRequest
  /** The folder Lambda would get: the bundle and node_modules of the install packages. */
  readonly out: string
  /** The handler as SST hands it to Lambda, relative to `out`. */
  readonly handler: string
  readonly bundle: string
  readonly bundleBytes: number
  /** Versions of the packages installed beside the bundle. */
  readonly installed: Readonly<Record<string, string>>
}

const SST_BANNER = [
  `import { createRequire as topLevelCreateRequire } from 'module';`,
  `const require = topLevelCreateRequire(import.meta.url);`,
  `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
  `const __filename = topLevelFileUrlToPath(import.meta.url)`,
  `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`
].join("\n")

const FORCE_EXTERNAL = ["sharp", "pg-native"]

const PackageJson = Schema.Struct({
  version: Schema.String,
  dependencies: Schema.optional(Schema.Record(Schema.String, Schema.String)),
  optionalDependencies: Schema.optional(Schema.Record(Schema.String, Schema.String)),
  os: Schema.optional(Schema.Array(Schema.String)),
  cpu: Schema.optional(Schema.Array(Schema.String)),
  libc: Schema.optional(Schema.Array(Schema.String))
})
const readPackage = (dir: string) => Schema.decodeUnknownSync(Schema.fromJsonString(PackageJson))(readFileSync(join(dir, "package.json"), "utf8"))

const installNames = (install: BuildRequest["properties"]["install"]): ReadonlyArray<string> =>
  install === undefined ? [] : Array.isArray(install) ? install : Object.keys(install)

/** Copies `name` and what it depends on (optional packages where they fit linux/x64/glibc). */
const copyPackage = (root: string, out: string, name: string, copied: Record<string, string>, optional: boolean) => {
  if (name in copied) return
  const from = join(root, "node_modules", name)
  if (!existsSync(from)) {
    if (optional) return
    throw new Error(`${name} is not installed in ${root}/node_modules`)
  }
  const pkg = readPackage(from)
  const fits = (list: ReadonlyArray<string> | undefined, value: string) => list === undefined || list.includes(value)
  if (!fits(pkg.os, "linux") || !fits(pkg.cpu, "x64") || !fits(pkg.libc, "glibc")) return
  copied[name] = pkg.version
  cpSync(from, join(out, "node_modules", name), { recursive: true, dereference: true })
  for (const dep of Object.keys(pkg.dependencies ?? {})) copyPackage(root, out, dep, copied, false)
  for (const dep of Object.keys(pkg.optionalDependencies ?? {})) copyPackage(root, out, dep, copied, true)
}

export const buildAsSst = async (root: string, outRoot: string, request: BuildRequest): Promise<BuiltFunction> => {
  const dot = request.handler.lastIndexOf(".")
  const file = `${request.handler.slice(0, dot)}.ts`
  const out = join(outRoot, request.functionID)
  rmSync(out, { recursive: true, force: true })
  const bundle = join(out, `${file.replace(/\.ts$/, "")}.mjs`)
  const install = installNames(request.properties.install)
  await build({
    entryPoints: [join(root, file)],
    outfile: bundle,
    platform: "node",
    format: "esm",
    target: "esnext",
    bundle: true,
    keepNames: true,
    mainFields: ["module", "main"],
    external: [...FORCE_EXTERNAL, ...install, ...(request.properties.esbuild?.external ?? [])],
    minify: request.properties.minify ?? true,
    banner: { js: SST_BANNER },
    logLevel: "silent"
  })
  const installed: Record<string, string> = {}
  if (install.length > 0) {
    mkdirSync(out, { recursive: true })
    for (const name of install) copyPackage(root, out, name, installed, false)
    writeFileSync(join(out, "package.json"), JSON.stringify({ dependencies: Object.fromEntries(install.map((n) => [n, installed[n] ?? "*"])) }))
  }
  return { request, out, handler: relative(out, bundle).replace(/\.mjs$/, request.handler.slice(dot)), bundle, bundleBytes: statSync(bundle).size, installed }
}
