/**
 * `npm start` killed outright (SIGKILL, no chance to flush) mid-replay and started again on the
 * same data directory: the stored candles and the archive come out exactly as from one clean run.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { Effect, Schema } from "effect"
import { expect, it } from "vitest"
import { klineRow, type KlineRow } from "@blockchaincore/core/candle/KlineCsv"
import { loadRecording } from "@blockchaincore/replay/Recording"
import { candlesOfFile } from "../src/candles/CandlesOfFile.ts"
import { queryArchive } from "../src/duckdb/ArchiveQuery.ts"
import { describeWithSharedData, RECORDING, sharedFile } from "@blockchaincore/testkit/sharedData"
import { alteredRecording } from "@blockchaincore/testkit/alteredRecording"

const BIN = resolve(import.meta.dirname, "../bin/blockchaincore.ts")
/** What the lists of anomalies and alerts are checked by: each entry's id, and an alert's state. */
const Listed = Schema.Array(
  Schema.Struct({
    id: Schema.String,
    state: Schema.optionalKey(Schema.String),
    interval: Schema.optionalKey(Schema.String),
    rule: Schema.optionalKey(Schema.String)
  })
)
const Klines = Schema.Array(Schema.Array(Schema.Union([Schema.Number, Schema.String])))

const start = (dataDir: string, ...extra: Array<string>) => startOn(sharedFile(RECORDING), dataDir, ...extra)

const startOn = (recording: string, dataDir: string, ...extra: Array<string>) =>
  new Promise<{ child: ChildProcess; port: number }>((done, fail) => {
    const child = spawn(process.execPath, [BIN, "start", "--replay", recording, "--data-dir", dataDir, "--port", "0", ...extra], {
      stdio: ["ignore", "pipe", "ignore"]
    })
    let out = ""
    child.stdout!.on("data", (d) => {
      out += String(d)
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)
      if (m !== null) done({ child, port: Number(m[1]) })
    })
    child.once("exit", (code) => fail(new Error(`start exited with ${code}`)))
  })

const klines = async (port: number, symbol: string) =>
  Schema.decodeUnknownSync(Klines)(await (await fetch(`http://127.0.0.1:${port}/api/v3/klines?symbol=${symbol}&interval=1m&startTime=0`)).json())

const waitFor = async (check: () => Promise<boolean>) => {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error("timed out")
}

describeWithSharedData("a killed runtime", () => {
  it("restarts from its stored state without losing or double counting a trade", async () => {
    const dir = mkdtempSync(join(tmpdir(), "blockchaincore-kill-"))
    const result = await Effect.runPromise(candlesOfFile(sharedFile(RECORDING), { interval: "1m", symbol: undefined }, () => Effect.void))
    const expected = new Map<string, Array<KlineRow>>()
    for (const c of result.candles) expected.set(c.symbol, [...(expected.get(c.symbol) ?? []), klineRow(c)])

    const first = await start(dir, "--speed", "60")
    await waitFor(async () => (await klines(first.port, "BTCUSDT")).length >= 3)
    first.child.kill("SIGKILL")
    await new Promise((r) => first.child.once("exit", r))
    const partial = await Effect.runPromise(queryArchive(dir, "SELECT count(*) FROM trades"))
    expect(Number(partial.rows[0]![0])).toBeLessThan(34_419)

    const second = await start(dir)
    try {
      await waitFor(async () => {
        const [btc, eth] = await Promise.all([klines(second.port, "BTCUSDT"), klines(second.port, "ETHUSDT")])
        return btc.length >= expected.get("BTCUSDT")!.length - 1 && eth.length >= expected.get("ETHUSDT")!.length - 1
      })
      for (const symbol of ["BTCUSDT", "ETHUSDT"]) {
        const want = expected.get(symbol)!.slice(0, -1)
        expect((await klines(second.port, symbol)).slice(0, want.length)).toEqual(want)
      }
    } finally {
      second.child.kill("SIGINT")
      await new Promise((r) => second.child.once("exit", r))
    }
    const archived = await Effect.runPromise(queryArchive(dir, "SELECT count(*) AS n, count(DISTINCT symbol || ':' || trade_id) AS ids FROM trades"))
    expect(archived.rows).toEqual([["34419", "34419"]])
    expect(loadRecording(sharedFile(RECORDING))).toHaveLength(34_419)
  })

  it("keeps every anomaly and alert across a SIGKILL, each once, and does not alert again", async () => {
    const dir = mkdtempSync(join(tmpdir(), "blockchaincore-kill-alerts-"))
    const recording = alteredRecording()
    const list = async (port: number, path: string) => Schema.decodeUnknownSync(Listed)(await (await fetch(`http://127.0.0.1:${port}${path}`)).json())
    const first = await startOn(recording, dir)
    // The 20% jump at 00:00: a high price-movement anomaly and its firing alert.
    await waitFor(async () => (await list(first.port, "/api/alerts?symbol=BTCUSDT")).length > 0)
    const before = { anomalies: await list(first.port, "/api/anomalies"), alerts: await list(first.port, "/api/alerts") }
    first.child.kill("SIGKILL")
    await new Promise((r) => first.child.once("exit", r))

    const second = await startOn(recording, dir)
    try {
      // As the user sees it the moment it is back, and once the replay has gone through again.
      expect((await list(second.port, "/api/anomalies")).map((a) => a.id)).toEqual(before.anomalies.map((a) => a.id))
      expect((await list(second.port, "/api/alerts")).map((a) => a.id)).toEqual(before.alerts.map((a) => a.id))
      await waitFor(async () => (await klines(second.port, "BTCUSDT")).length >= 11)
      const after = await list(second.port, "/api/alerts")
      // Everything listed before is still listed, once; no condition that was firing fired again
      // (the 5m window of the jump, closing only after the restart, is a condition of its own).
      expect(after.map((a) => a.id)).toEqual(expect.arrayContaining(before.alerts.map((a) => a.id)))
      expect(new Set(after.map((a) => a.id)).size).toBe(after.length)
      const firings = after.filter((a) => a.state === "firing").map((a) => `${a.interval} ${a.rule}`)
      expect(new Set(firings).size).toBe(firings.length)
    } finally {
      second.child.kill("SIGINT")
      await new Promise((r) => second.child.once("exit", r))
    }
  })
})
