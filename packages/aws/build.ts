/**
 * The producer's container files: `node packages/aws/build.ts OUTDIR` bundles the Fargate entry
 * point, its health check and the backfill task with esbuild into OUTDIR/producer.mjs,
 * OUTDIR/healthcheck.mjs and OUTDIR/backfill.mjs,
 * each loadable with no node_modules beside it. ws's optional native speed-ups (bufferutil,
 * utf-8-validate) are left out: ws loads without them. Run by packages/aws/Dockerfile.
 */
import { join, resolve } from "node:path"
import { build } from "esbuild"

/**
 * The V8 flag the producer runs with (packages/aws/Dockerfile's CMD, held to this by a test): an
 * 8 MB semi-space. Left to grow, V8 sizes it for the allocation rate and a steady producer sits
 * near 210 MB of RSS with an 8 MB heap. Measured (`npm run bench`): at 4 MB, 120–126 MB steady
 * and 505,000–563,000 frames/s in a flood; at 8 MB, 135 MB and 600,000–626,000 (half the
 * scavenges, each copying the same trades in flight).
 */
export const PRODUCER_V8_FLAG = "--max-semi-space-size=8"

/** The image's programs: the producer (its CMD), its health check, and the backfill task's command. */
export const PRODUCER_FILES = { producer: "src/producer/main.ts", healthcheck: "src/producer/healthcheck.ts", backfill: "src/backfill/main.ts" } as const

export const buildProducer = async (outdir: string) => {
  const result = await build({
    entryPoints: Object.entries(PRODUCER_FILES).map(([out, entry]) => ({ in: join(import.meta.dirname, entry), out })),
    outdir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    mainFields: ["module", "main"],
    minify: true,
    external: ["bufferutil", "utf-8-validate"],
    banner: { js: `import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);` },
    metafile: true,
    logLevel: "warning"
  })
  return result.metafile
}

if (import.meta.main) {
  const outdir = resolve(process.argv[2] ?? "dist/producer")
  await buildProducer(outdir)
  console.error(`producer bundled into ${outdir}`)
}
