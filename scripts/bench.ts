/**
 * `npm run bench`: the candle engine on raw frame text, next to a pass that only JSON.parses the
 * same frames, in one process.
 *
 * The real recording (../shared/data, or the copy given with --input) is replicated until it holds
 * at least 2 million trades, each copy's trade ids and times shifted past the previous copy's, so
 * the engine sees one long gap-free day of two symbols rather than the same minutes again. Each
 * pass runs several times, alternating, and the best run of each counts (the least disturbed by
 * the rest of the machine).
 */
import { readFileSync } from "node:fs"
import { resolve } from "node:path"
import { gunzipSync } from "node:zlib"
import { decodeFrame } from "../packages/core/src/binance/FrameDecoder.ts"
import { CandleEngine } from "../packages/core/src/candle/CandleEngine.ts"

const DEFAULT_INPUT = resolve(import.meta.dirname, "../../shared/data/binance-spot-trade-stream-BTCUSDT-ETHUSDT-20240808T2354Z.ndjson.gz")
const TARGET_TRADES = 2_000_000
const ROUNDS = 5

const input = process.argv.includes("--input") ? process.argv[process.argv.indexOf("--input") + 1]! : DEFAULT_INPUT
const original = gunzipSync(readFileSync(input)).toString("utf8").split("\n").filter((l) => l.length > 0)

/**
 * Copies of the recording, each shifted past the previous one: trade ids by each symbol's own id
 * span (so ids stay consecutive per symbol), times by whole minutes.
 */
const replicate = (frames: ReadonlyArray<string>, target: number): Array<string> => {
  const field = (f: string, key: string) => Number(new RegExp(`"${key}":(\\d+)`).exec(f)![1])
  const symbolOf = (f: string) => /"s":"([A-Z0-9]+)"/.exec(f)![1]!
  const idRange = new Map<string, { lo: number; hi: number }>()
  for (const f of frames) {
    const id = field(f, "t")
    const range = idRange.get(symbolOf(f)) ?? { lo: id, hi: id }
    idRange.set(symbolOf(f), { lo: Math.min(range.lo, id), hi: Math.max(range.hi, id) })
  }
  const spans = new Map([...idRange].map(([s, { lo, hi }]) => [s, hi - lo + 1]))
  const times = frames.map((f) => field(f, "T"))
  const timeSpan = Math.ceil((Math.max(...times) - Math.min(...times) + 1) / 60_000) * 60_000
  const out: Array<string> = []
  for (let copy = 0; out.length < target; copy++) {
    for (const f of frames) {
      const idShift = copy * spans.get(symbolOf(f))!
      const text = f
        .replace(/"t":(\d+)/, (_, t: string) => `"t":${Number(t) + idShift}`)
        .replace(/"E":(\d+)/, (_, t: string) => `"E":${Number(t) + copy * timeSpan}`)
        .replace(/"T":(\d+)/, (_, t: string) => `"T":${Number(t) + copy * timeSpan}`)
      // As a socket hands it over: the text decoded from the frame's bytes, one flat string.
      out.push(Buffer.from(text, "utf8").toString("utf8"))
    }
  }
  return out
}

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
