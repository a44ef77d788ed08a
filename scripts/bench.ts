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
import { cpus, tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { build } from "esbuild"
import { PRODUCER_V8_FLAG } from "@blockchaincore/aws/build"
import { decodeFrame } from "@blockchaincore/binance/stream/FrameDecoder"
import { CandleEngine } from "@blockchaincore/core/candle/CandleEngine"
import { measureCandleProcesses, type ProcessFigure } from "./bench/candlesCommand.ts"
import { DEFAULT_RECORDING, readRecording, replicate } from "./bench/replicate.ts"
import { BenchReport } from "./bench/report.ts"

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

const report = new BenchReport(`${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}, Node ${process.version}`)
const say = (line: string) => {
  console.log(line)
  report.line(line)
}

const perSecond = (ms: number) => Math.round((frames.length / ms) * 1000).toLocaleString("en-US")
report.section(
  "The candle engine on frame text",
  "The stream recording replicated to 2 million trades (each copy's ids and times shifted), from frame text to closed 1m candles with exact decimals, timed in one process beside a pass that only `JSON.parse`s the same frames; the best of 5 rounds of each."
)
say(`frames: ${frames.length.toLocaleString("en-US")} (${original.length.toLocaleString("en-US")} recorded, replicated), node ${process.version}`)
say(`closed 1m candles: ${candles.toLocaleString("en-US")}, frames rejected: ${rejected}`)
say(`JSON.parse only : ${bestParse.toFixed(0)} ms  ${perSecond(bestParse)} frames/s`)
say(`engine          : ${bestEngine.toFixed(0)} ms  ${perSecond(bestEngine)} trades/s (decode, dedupe, exact candles)`)
say(`ratio engine/parse: ${(bestEngine / bestParse).toFixed(3)}`)

// Whole processes on the same file: the CLI against tardis-dev and against the floor.
const processes = measureCandleProcesses(input, TARGET_TRADES)
const ms = (n: number) => `${Math.round(n).toLocaleString("en-US")} ms`
const row = (f: ProcessFigure) => `${f.name.padEnd(38)}: ${ms(f.millis).padStart(9)}, peak rss ${f.peakMiB.toFixed(0)} MiB`
report.section(
  "Whole processes on the same frames gzipped",
  "`blockchaincore candles --interval 1m` as a user runs it, tardis-dev's `computeTradeBars` over its own Binance mapper, and the floor (gunzip and `JSON.parse` each line, nothing else); each run three times, the median kept, peak RSS read from `/proc` at exit."
)
say(`whole process, ${frames.length.toLocaleString("en-US")} frames gzipped (median of 3 runs each):`)
say(row(processes.ours))
say(row(processes.tardis))
say(row(processes.floor))
const speedup = processes.tardis.millis / processes.ours.millis
const overFloor = processes.ours.millis / processes.floor.millis
say(
  `candles vs tardis-dev: ${speedup.toFixed(2)}× as fast (goal ≥ 2); vs the floor: ${overFloor.toFixed(2)}× (goal ≤ 1.25); peak ${processes.ours.peakMiB.toFixed(0)} MiB (goal ≤ 200)`
)

report.section(
  "The producer",
  "As its image runs it (bundled, with the image's V8 flags), in a process of its own, 200 symbols subscribed, batches taken as they come: a steady paced rate, then a flood from a child process that writes pre-framed chunks, then all of Binance spot (3,000 streams over three connections)."
)
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
const producer = spawnSync(process.execPath, ["--expose-gc", PRODUCER_V8_FLAG, producerBundle, input], {
  stdio: ["ignore", "pipe", "inherit"],
  encoding: "utf8",
  env: { ...process.env, BENCH_DIR: resolve(import.meta.dirname, "bench") }
})
for (const line of producer.stdout.split("\n")) if (line.startsWith("producer")) say(line)
report.section(
  "The whole local pipeline",
  "The framed server in a child process → producer → durable queue → enrichment → processor → SQLite store, Parquet staging, bus and consumers; replicated trades from replay to stored candles, each run from a fresh data directory, counted from the end of start-up; the first run apart, then the median of three; then tracing on and sampled; then a few minutes at real speed, from a window's end to its `CandleClosed`, and each hop's p50 and p99."
)
// The whole local pipeline; its latency part replays at real speed for a few minutes.
// With the V8 flag that the CLI's shebang gives `blockchaincore start`.
const pipeline = spawnSync(process.execPath, [PRODUCER_V8_FLAG, resolve(import.meta.dirname, "bench/pipeline.ts"), input], {
  stdio: ["ignore", "pipe", "inherit"],
  encoding: "utf8",
  maxBuffer: 512 * 1024 * 1024
})
// Its hop table's rows follow the line that announces them, indented.
for (const line of pipeline.stdout.split("\n")) if (line.startsWith("pipeline") || /^  \S/.test(line)) say(line)
report.section(
  "Backfill",
  "`blockchaincore backfill` as a user runs it, from a loopback archive: days of BTCUSDT raw trades into the candle store and the Parquet archive."
)
// History: `blockchaincore backfill` from a loopback archive.
const backfill = spawnSync(process.execPath, [resolve(import.meta.dirname, "bench/backfill.ts"), input], {
  stdio: ["ignore", "pipe", "inherit"],
  encoding: "utf8"
})
for (const line of backfill.stdout.split("\n")) if (line.startsWith("backfill")) say(line)
report.section(
  "Soak",
  "`blockchaincore start` fed by the replay server a synthetic market of 10 symbols (a trade every 0.4 s per symbol on average) for hours of stream time as fast as it reads them: the process's RSS and the data directory by part, every stream hour."
)
// The soak: the runtime fed hours of a synthetic market; what grows, stream hour by stream hour.
const soak = spawnSync(process.execPath, [resolve(import.meta.dirname, "bench/soak.ts")], { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" })
for (const line of soak.stdout.split("\n")) if (line.startsWith("soak")) say(line)
report.write(resolve(import.meta.dirname, "../docs/benchmarks.md"))
process.exitCode = producer.status === 0 && pipeline.status === 0 && backfill.status === 0 && soak.status === 0 ? 0 : 1
