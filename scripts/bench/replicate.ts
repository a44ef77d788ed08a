/** The stream recording, replicated to any length for benchmarks. */
import { readFileSync, writeFileSync } from "node:fs"
import { resolve } from "node:path"
import { gunzipSync } from "node:zlib"

export const DEFAULT_RECORDING = resolve(import.meta.dirname, "../../packages/testkit/data/binance-spot-trade-stream-BTCUSDT-ETHUSDT-20240808T2354Z.ndjson.gz")

export const readRecording = (path: string): Array<string> =>
  gunzipSync(readFileSync(path))
    .toString("utf8")
    .split("\n")
    .filter((l) => l.length > 0)

/**
 * Copies of the recording, each shifted past the previous one: trade ids by each symbol's own id
 * span (so ids stay consecutive per symbol), times by whole minutes.
 */
export const replicate = (frames: ReadonlyArray<string>, target: number): Array<string> => {
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

/** `node scripts/bench/replicate.ts RECORDING OUT FRAMES`: the replicated recording as a file, made in a process of its own. */
if (import.meta.main) {
  const [input, out, target] = process.argv.slice(2)
  const frames = replicate(readRecording(input ?? DEFAULT_RECORDING), Number(target ?? 500_000))
  writeFileSync(out ?? "replicated.ndjson", frames.join("\n"))
  process.stdout.write(String(frames.length))
}
