/**
 * `npm run bench`: the candle engine on raw frame text, next to a pass that only JSON.parses the
 * same frames, in one process.
 *
 * The real recording (packages/testkit/data, or the copy given with --input) is replicated until it holds
 * at least 2 million trades, each copy's trade ids and times shifted past the previous copy's, so
 * the engine sees one long gap-free day of two symbols rather than the same minutes again. Each
 * pass runs several times, alternating, and the best run of each counts (the least disturbed by
 * the rest of the machine).
 *
 * Then whole processes on the same frames gzipped: `blockchaincore candles` against tardis-dev and
 * against a process that only gunzips and parses (bench/candlesCommand.ts); the producer, in a
 * process of its own so that its memory is its own (bench/producer.ts); and the whole local
 * pipeline (bench/pipeline.ts), its first run apart and the median of three after it;
 * `blockchaincore backfill` from a loopback archive (bench/backfill.ts); and the soak, the runtime
 * fed hours of a synthetic market (bench/soak.ts).
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { build } from "esbuild"
import { PRODUCER_V8_FLAG } from "@blockchaincore/aws/build"
import { decodeFrame } from "@blockchaincore/core/binance/FrameDecoder"
import { CandleEngine } from "@blockchaincore/core/candle/CandleEngine"
import { measureCandleProcesses, type ProcessFigure } from "./bench/candlesCommand.ts"
import { DEFAULT_RECORDING, readRecording, replicate } from "./bench/replicate.ts"

const TARGET_TRADES = 2_000_000
const ROUNDS = 5

const input = process.argv.includes("--input") ? process.argv[process.argv.indexOf("--input") + 1]! : DEFAULT_RECORDING
const original = readRecording(input)

const frames = replicate(original, TARGET_TRADES)

const parseOnly = (): number => {
  let check = 0
  for (const frame of frames) check += (JSON.parse(frame) as { data: { t: number } }).data.t
  return check
}

let candles = 0
let rejected = 0
const engineRun = (): number => {
  const engine = new CandleEngine({ intervals: ["1m"], graceMillis: 0 })
  candles = 0
  rejected = 0
  for (const frame of frames) {
    const decoded = decodeFrame(frame)
    if (decoded._tag === "Trade") engine.apply(decoded.trade)
    else rejected++
    if (engine.counters.applied % 4096 === 0) candles += engine.drain().length
  }
  engine.flush()
  candles += engine.drain().length
  return engine.counters.applied
}

const time = (fn: () => number): number => {
  const start = process.hrtime.bigint()
  fn()
  return Number(process.hrtime.bigint() - start) / 1e6
}

let bestParse = Infinity
let bestEngine = Infinity
for (let round = 0; round < ROUNDS; round++) {
  bestParse = Math.min(bestParse, time(parseOnly))
  bestEngine = Math.min(bestEngine, time(engineRun))
}

const perSecond = (ms: number) => Math.round((frames.length / ms) * 1000).toLocaleString("en-US")
console.log(`frames: ${frames.length.toLocaleString("en-US")} (${original.length.toLocaleString("en-US")} recorded, replicated), node ${process.version}`)
console.log(`closed 1m candles: ${candles.toLocaleString("en-US")}, frames rejected: ${rejected}`)
console.log(`JSON.parse only : ${bestParse.toFixed(0)} ms  ${perSecond(bestParse)} frames/s`)
console.log(`engine          : ${bestEngine.toFixed(0)} ms  ${perSecond(bestEngine)} trades/s (decode, dedupe, exact candles)`)
console.log(`ratio engine/parse: ${(bestEngine / bestParse).toFixed(3)}`)

// Whole processes on the same file: the CLI against tardis-dev and against the floor.
const processes = measureCandleProcesses(input, TARGET_TRADES)
const ms = (n: number) => `${Math.round(n).toLocaleString("en-US")} ms`
const row = (f: ProcessFigure) => `${f.name.padEnd(38)}: ${ms(f.millis).padStart(9)}, peak rss ${f.peakMiB.toFixed(0)} MiB`
console.log("")
console.log(`whole process, ${frames.length.toLocaleString("en-US")} frames gzipped (median of 3 runs each):`)
console.log(row(processes.ours))
console.log(row(processes.tardis))
console.log(row(processes.floor))
const speedup = processes.tardis.millis / processes.ours.millis
const overFloor = processes.ours.millis / processes.floor.millis
console.log(`candles vs tardis-dev: ${speedup.toFixed(2)}× as fast (goal ≥ 2); vs the floor: ${overFloor.toFixed(2)}× (goal ≤ 1.25); peak ${processes.ours.peakMiB.toFixed(0)} MiB (goal ≤ 200)`)

console.log("")
// The producer as its image runs it (packages/aws/Dockerfile): bundled, not type-stripped at load
// (which alone costs tens of MB), with the same cap on V8's young generation.
const producerBundle = join(mkdtempSync(join(tmpdir(), "blockchaincore-bench-producer-")), "producer.mjs")
await build({
  entryPoints: [resolve(import.meta.dirname, "bench/producer.ts")],
  outfile: producerBundle,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node24",
  external: ["bufferutil", "utf-8-validate"],
  banner: { js: `import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);` },
  logLevel: "warning"
})
const producer = spawnSync(process.execPath, ["--expose-gc", PRODUCER_V8_FLAG, producerBundle, input], { stdio: "inherit", env: { ...process.env, BENCH_DIR: resolve(import.meta.dirname, "bench") } })
console.log("")
// The whole local pipeline; its latency part replays at real speed for a few minutes.
// With the V8 flag that the CLI's shebang gives `blockchaincore start`.
const pipeline = spawnSync(process.execPath, [PRODUCER_V8_FLAG, resolve(import.meta.dirname, "bench/pipeline.ts"), input], { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8", maxBuffer: 512 * 1024 * 1024 })
for (const line of pipeline.stdout.split("\n")) if (line.startsWith("pipeline")) console.log(line)
// History: `blockchaincore backfill` from a loopback archive.
const backfill = spawnSync(process.execPath, [resolve(import.meta.dirname, "bench/backfill.ts"), input], { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" })
for (const line of backfill.stdout.split("\n")) if (line.startsWith("backfill")) console.log(line)
// The soak: the runtime fed hours of a synthetic market; what grows, stream hour by stream hour.
const soak = spawnSync(process.execPath, [resolve(import.meta.dirname, "bench/soak.ts")], { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" })
for (const line of soak.stdout.split("\n")) if (line.startsWith("soak")) console.log(line)
process.exitCode = producer.status === 0 && pipeline.status === 0 && backfill.status === 0 && soak.status === 0 ? 0 : 1
