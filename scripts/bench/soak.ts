/**
 * The soak: `blockchaincore start` as a user runs it, fed a synthetic market by the replay server
 * (SYMBOLS symbols, HOURS hours of stream time, a trade every TRADE_EVERY_MILLIS per symbol on
 * average, as fast as the runtime reads). Every stream hour it prints the process's RSS and the
 * data directory by part: what a runtime left running for weeks grows by. After the warm-up all
 * but the Parquet should stay flat.
 */
import { spawn } from "node:child_process"
import { existsSync, globSync, mkdtempSync, readFileSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { decodeFrame } from "@blockchaincore/binance/stream/FrameDecoder"
import type { RecordedFrame } from "@blockchaincore/replay/Recording"
import { ReplayServer } from "@blockchaincore/replay/ReplayServer"

const SYMBOLS = ["BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT", "ADAUSDT", "DOGEUSDT", "TRXUSDT", "LTCUSDT", "LINKUSDT"]
const HOURS = Number(process.env["BENCH_SOAK_HOURS"] ?? 6)
const TRADE_EVERY_MILLIS = 400
const START = Date.UTC(2024, 7, 9, 0)
const BIN = resolve(import.meta.dirname, "../../packages/local/bin/blockchaincore.ts")
const SHEBANG_FLAGS = (readFileSync(BIN, "utf8").split("\n")[0] ?? "").split(/\s+/).filter((f) => f.startsWith("--"))

/** A deterministic market: per symbol a random walk in whole cents, trades at random gaps. */
const market = (): Array<RecordedFrame> => {
  let seed = 42
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648
  const streams = SYMBOLS.map((symbol, i) => ({ symbol, id: 1_000_000 * (i + 1), cents: 100_00 * (i + 1), time: START + i }))
  const frames: Array<RecordedFrame> = []
  const end = START + HOURS * 3_600_000
  for (;;) {
    const next = streams.reduce((a, b) => (b.time < a.time ? b : a))
    if (next.time >= end) break
    next.cents = Math.max(1, next.cents + Math.round((random() - 0.5) * 20))
    const price = `${Math.floor(next.cents / 100)}.${String(next.cents % 100).padStart(2, "0")}000000`
    const qty = `0.${String(1 + Math.floor(random() * 99_999_999)).padStart(8, "0")}`
    const text = `{"stream":"${next.symbol.toLowerCase()}@trade","data":{"e":"trade","E":${next.time + 1},"s":"${next.symbol}","t":${next.id},"p":"${price}","q":"${qty}","T":${next.time},"m":${random() < 0.5},"M":true}}`
    const decoded = decodeFrame(text)
    if (decoded._tag !== "Trade") throw new Error(`the soak's market made a frame the decoder refuses: ${text}`)
    frames.push({ text, stream: `${next.symbol.toLowerCase()}@trade`, trade: decoded.trade })
    next.id++
    next.time += 1 + Math.floor(random() * 2 * TRADE_EVERY_MILLIS)
  }
  return frames
}

const mib = (bytes: number) => (bytes / 1_048_576).toFixed(1)
const size = (path: string) => (existsSync(path) ? statSync(path).size : 0)
/** A SQLite file with its write-ahead log. */
const sqlite = (path: string) => size(path) + size(`${path}-wal`)
const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? Number.NaN) * 1024

const frames = market()
const server = new ReplayServer(frames, { pingIntervalMillis: 20_000 })
const port = await server.listen()
const dir = mkdtempSync(join(tmpdir(), "blockchaincore-soak-"))
const child = spawn(
  process.execPath,
  [
    ...SHEBANG_FLAGS,
    BIN,
    "start",
    "--symbols",
    SYMBOLS.join(","),
    "--ws-url",
    `ws://127.0.0.1:${port}`,
    "--rest-url",
    `http://127.0.0.1:${port}`,
    "--data-dir",
    dir,
    "--port",
    "0"
  ],
  { stdio: ["ignore", "ignore", "inherit"] }
)
console.log(`soak: ${SYMBOLS.length} symbols, ${HOURS} stream hours, ${frames.length.toLocaleString("en-US")} trades, as fast as the runtime reads`)
console.log("soak: hour  rss MiB  staging  candles  history  queue  parquet (MiB)")
const started = performance.now()
let hour = 0
// Bounded: the whole market, or ten minutes.
while (hour < HOURS && performance.now() - started < 600_000) {
  await new Promise((r) => setTimeout(r, 200))
  const head = frames[Math.min(server.stats.framesSent, frames.length - 1)]!.trade.time
  if (head < START + (hour + 1) * 3_600_000 && server.stats.framesSent < frames.length) continue
  hour++
  const parquet = globSync(join(dir, "archive", "trades", "**", "*.parquet")).reduce((n, f) => n + size(f), 0)
  console.log(
    `soak: ${String(hour).padStart(4)}  ${mib(rssOf(child.pid!)).padStart(7)}  ${mib(sqlite(join(dir, "archive", "staging.sqlite"))).padStart(7)}  ${mib(sqlite(join(dir, "candles.sqlite"))).padStart(7)}  ${mib(sqlite(join(dir, "history.sqlite"))).padStart(7)}  ${mib(sqlite(join(dir, "queue.sqlite"))).padStart(5)}  ${mib(parquet).padStart(7)}`
  )
}
console.log(`soak: ${Math.round((performance.now() - started) / 1000)} s`)
child.kill("SIGINT")
await new Promise((r) => child.once("exit", r))
await server.close()
