/**
 * `blockchaincore backfill` as a user runs it, against the loopback archive the tests use
 * (packages/testkit/src/archiveStandIn.ts): DAYS days of BTCUSDT raw trades, each day the
 * recording's BTCUSDT trades repeated with ids and times shifted to fill TRADES_PER_DAY (a busy
 * 2024 day had one to three million). Prints days a minute, trades a second and peak RSS.
 */
import { spawn } from "node:child_process"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { formatUnits, PRICE_SCALE } from "@blockchaincore/core/decimal/Decimal"
import { loadRecording } from "@blockchaincore/replay/Recording"
import { startPublicArchive } from "@blockchaincore/testkit/archiveStandIn"

const DAYS = Number(process.env["BENCH_BACKFILL_DAYS"] ?? 2)
const TRADES_PER_DAY = Number(process.env["BENCH_BACKFILL_TRADES_PER_DAY"] ?? 1_000_000)
const recordingPath = process.argv[2]!
const BIN = resolve(import.meta.dirname, "../../packages/local/bin/blockchaincore.ts")
const PEAK = resolve(import.meta.dirname, "peakRss.ts")
/** The V8 flags the CLI's shebang gives it, so that the bench runs it as `npx blockchaincore` does. */
const SHEBANG_FLAGS = (readFileSync(BIN, "utf8").split("\n")[0] ?? "").split(/\s+/).filter((f) => f.startsWith("--"))

const btc = loadRecording(recordingPath)
  .map((f) => f.trade)
  .filter((t) => t.symbol === "BTCUSDT")
const idSpan = btc.at(-1)!.firstId - btc[0]!.firstId + 1
const timeSpan = btc.at(-1)!.time - btc[0]!.time + 1
const rows = btc.map((t) => ({
  id: t.firstId - btc[0]!.firstId,
  offset: t.time - btc[0]!.time,
  rest: `${formatUnits(t.price, PRICE_SCALE, 8)},${formatUnits(t.qty, PRICE_SCALE, 8)},${formatUnits(t.price * t.qty, 2 * PRICE_SCALE, 8)}`,
  maker: t.buyerIsMaker ? "True" : "False"
}))

const files = new Map<string, string>()
const firstDay = Date.UTC(2024, 0, 1)
let id = 3_000_000_000
for (let d = 0; d < DAYS; d++) {
  const dayStart = firstDay + d * 86_400_000
  const copies = Math.ceil(TRADES_PER_DAY / rows.length)
  // Spread over the day: each copy shifted by a slice of the day, so every hour has trades.
  const stride = Math.floor((86_400_000 - timeSpan) / copies)
  const lines: Array<string> = []
  for (let c = 0; c < copies && lines.length < TRADES_PER_DAY; c++) {
    for (const r of rows) lines.push(`${id + r.id},${r.rest},${dayStart + c * stride + r.offset},${r.maker},True`)
    id += idSpan
  }
  const day = new Date(dayStart).toISOString().slice(0, 10)
  files.set(`data/spot/daily/trades/BTCUSDT/BTCUSDT-trades-${day}.zip`, `${lines.join("\n")}\n`)
}
const trades = DAYS * TRADES_PER_DAY
const server = await startPublicArchive(files)
const dir = mkdtempSync(join(tmpdir(), "blockchaincore-backfill-bench-"))
const started = performance.now()
const run = await new Promise<{ code: number | null; stderr: string }>((done) => {
  const child = spawn(
    process.execPath,
    [
      ...SHEBANG_FLAGS,
      BIN,
      "backfill",
      "--symbols",
      "BTCUSDT",
      "--from",
      "2024-01-01",
      "--to",
      new Date(firstDay + (DAYS - 1) * 86_400_000).toISOString().slice(0, 10),
      "--data-dir",
      dir,
      "--archive-url",
      server.url
    ],
    { env: { ...process.env, NODE_OPTIONS: `--import ${PEAK} ${process.env["BENCH_BACKFILL_NODE_OPTIONS"] ?? ""}` }, stdio: ["ignore", "ignore", "pipe"] }
  )
  let stderr = ""
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")))
  child.on("exit", (code) => done({ code, stderr }))
})
const millis = performance.now() - started
await server.close()
const peak = Number(/peak-rss-kb (\d+)/.exec(run.stderr)?.[1] ?? Number.NaN) / 1024
if (run.code !== 0) {
  console.error(run.stderr)
  process.exit(1)
}
console.log(
  `backfill: ${DAYS} days of BTCUSDT raw trades, ${TRADES_PER_DAY.toLocaleString("en-US")} a day, from a loopback archive to the candle store (6 intervals) and the Parquet archive: ${Math.round(millis).toLocaleString("en-US")} ms, ${((DAYS / millis) * 60_000).toFixed(1)} days a minute, ${Math.round((trades / millis) * 1000).toLocaleString("en-US")} trades/s, peak rss ${peak.toFixed(0)} MiB`
)
