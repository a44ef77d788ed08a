/**
 * Whole processes on the same gzipped recording of 2 million real frames, each run three times
 * and the median kept: `blockchaincore candles --interval 1m` as a user runs it (its bin, with its
 * V8 flag), tardis-dev's trade bars (tardisCandles.ts), and the floor, a process that only
 * gunzips and `JSON.parse`s every line (parseFloor.ts). Time and peak RSS for each.
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { gzipSync } from "node:zlib"
import { readRecording, replicate } from "./replicate.ts"

const RUNS = 3

export interface ProcessFigure {
  readonly name: string
  readonly millis: number
  readonly peakMiB: number
}

const BIN = resolve(import.meta.dirname, "../../node_modules/.bin/blockchaincore")
const PEAK = resolve(import.meta.dirname, "peakRss.ts")

const timed = (name: string, command: string, args: ReadonlyArray<string>): ProcessFigure => {
  const runs = Array.from({ length: RUNS }, () => {
    const started = process.hrtime.bigint()
    const run = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NODE_OPTIONS: `--import ${PEAK}` } })
    const millis = Number(process.hrtime.bigint() - started) / 1e6
    if (run.status !== 0) throw new Error(`${name} exited with ${run.status}: ${run.stderr.slice(-500)}`)
    const peak = Number(/peak-rss-kb (\d+)/.exec(run.stderr)?.[1] ?? Number.NaN)
    return { millis, peakMiB: peak / 1024 }
  }).sort((a, b) => a.millis - b.millis)
  const median = runs[Math.floor(RUNS / 2)]!
  return { name, millis: median.millis, peakMiB: Math.max(...runs.map((r) => r.peakMiB)) }
}

export const measureCandleProcesses = (recording: string, trades: number) => {
  const file = join(mkdtempSync(join(tmpdir(), "blockchaincore-bench-candles-")), "replicated.ndjson.gz")
  writeFileSync(file, gzipSync(replicate(readRecording(recording), trades).join("\n")))
  return {
    file,
    ours: timed("blockchaincore candles --interval 1m", BIN, ["candles", "--input", file, "--interval", "1m"]),
    tardis: timed("tardis-dev computeTradeBars", process.execPath, [resolve(import.meta.dirname, "tardisCandles.ts"), file]),
    floor: timed("gunzip + JSON.parse only", process.execPath, [resolve(import.meta.dirname, "parseFloor.ts"), file])
  }
}
