/** `blockchaincore candles`, run as a user runs it (support/cli.ts). */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { gzipSync } from "node:zlib"
import { describe, expect, it } from "vitest"
import { describeWithSharedData, RECORDING, sharedFile } from "@blockchaincore/testkit/sharedData"
import { runCli } from "@blockchaincore/testkit/cli"

const run = runCli

const rows = (text: string) => text.split("\n").filter((l) => l.length > 0)
const scratch = () => mkdtempSync(join(tmpdir(), "blockchaincore-candles-"))

describeWithSharedData("candles on Binance's own data", () => {
  it("prints XRPETH 5m candles equal to Binance's klines in the first six columns", async () => {
    const { code, stdout, stderr } = await run("candles", "--input", sharedFile("XRPETH-aggTrades-2019-10-11.csv"), "--interval", "5m")
    expect(stderr).toBe("")
    expect(code).toBe(0)
    const klines = rows(readFileSync(sharedFile("XRPETH-5m-klines-2019-10-11.ohlcv.csv"), "utf8"))
    const printed = rows(stdout)
    expect(printed).toHaveLength(287)
    expect(printed.map((r) => r.split(",").slice(0, 6).join(","))).toEqual(klines.slice(0, 287))
    for (const row of printed) {
      const columns = row.split(",")
      expect(columns).toHaveLength(12)
      expect(Number(columns[6])).toBe(Number(columns[0]) + 5 * 60_000 - 1)
      for (const i of [1, 2, 3, 4, 5, 7, 9, 10]) expect(columns[i]).toMatch(/^\d+\.\d{8}$/)
    }
  })

  it("reads the gzipped stream recording, one symbol with --symbol, sorted by open time", async () => {
    const { code, stdout } = await run("candles", "--input", sharedFile(RECORDING), "--symbol", "ethusdt")
    expect(code).toBe(0)
    const printed = rows(stdout)
    expect(printed).toHaveLength(12)
    const trades = printed.reduce((n, r) => n + Number(r.split(",")[8]), 0)
    expect(trades).toBe(14_515)
    const openTimes = printed.map((r) => Number(r.split(",")[0]))
    expect(openTimes).toEqual([...openTimes].sort((a, b) => a - b))
  })

  it("prints both symbols of the recording, sorted by symbol then open time", async () => {
    const { code, stdout } = await run("candles", "--input", sharedFile(RECORDING), "--interval", "1m")
    expect(code).toBe(0)
    expect(rows(stdout)).toHaveLength(24)
  })
})

describe("candles on files made here", () => {
  it("reads a gzipped raw-trades archive with microsecond times, taking the symbol from the file name", async () => {
    const dir = scratch()
    const csv = [
      "100,94200.01000000,0.50000000,47100.00500000,1735689600123456,False,True",
      "101,94210.00000000,0.25000000,23552.50000000,1735689659999999,True,True",
      "102,94190.00000000,1.00000000,94190.00000000,1735689720000001,False,True"
    ].join("\n")
    const path = join(dir, "BTCUSDT-trades-2025-01-01.csv.gz")
    writeFileSync(path, gzipSync(csv))
    const { code, stdout } = await run("candles", "--input", path)
    expect(code).toBe(0)
    expect(rows(stdout)).toEqual([
      "1735689600000,94200.01000000,94210.00000000,94200.01000000,94210.00000000,0.75000000,1735689659999,70652.50500000,2,0.50000000,47100.00500000,0",
      "1735689660000,94210.00000000,94210.00000000,94210.00000000,94210.00000000,0.00000000,1735689719999,0.00000000,0,0.00000000,0.00000000,0",
      "1735689720000,94190.00000000,94190.00000000,94190.00000000,94190.00000000,1.00000000,1735689779999,94190.00000000,1,1.00000000,94190.00000000,0"
    ])
  })

  it("reports each bad row with file, line and reason, still prints the good rows' candles, and says so in its exit code", async () => {
    const dir = scratch()
    const path = join(dir, "XRPETH-aggTrades-2019-10-11.csv")
    writeFileSync(
      path,
      [
        "1,0.00141342,23.00000000,10,10,1570752011620,True,True",
        "2,abc,8.00000000,11,11,1570752017964,True,True",
        "3,0.00141266,8.00000000,12,12,1570752017964123,True,True",
        "4,0.00141300,1.00000000,13,14,1570752070000,False,True",
        ""
      ].join("\n")
    )
    const { code, stdout, stderr } = await run("candles", "--input", path)
    expect(code).toBe(3)
    expect(stderr).toContain(`${path}:2: Expected a non-negative decimal with at most 8 places`)
    expect(stderr).toContain("in column 2 (price)")
    expect(stderr).toContain(`${path}:3: Expected a time in milliseconds: 13 digits; in column 6 (time)`)
    expect(stderr).toContain("2 of 4 lines rejected")
    expect(rows(stdout).map((r) => r.split(",").slice(0, 9).join(","))).toEqual([
      "1570752000000,0.00141342,0.00141342,0.00141342,0.00141342,23.00000000,1570752059999,0.03250866,1",
      "1570752060000,0.00141300,0.00141300,0.00141300,0.00141300,1.00000000,1570752119999,0.00141300,2"
    ])
  })

  it("rejects malformed frames in a recording by line, and keeps the rest", async () => {
    const dir = scratch()
    const path = join(dir, "recording.ndjson")
    const frame = (t: number, p: string) =>
      `{"stream":"btcusdt@trade","data":{"e":"trade","E":1723161255343,"s":"BTCUSDT","t":${t},"p":"${p}","q":"0.02000000","T":1723161255342,"m":true,"M":true}}`
    writeFileSync(path, [frame(1, "61837.63000000"), "{not json", frame(2, "1e5"), frame(3, "61838.00000000")].join("\n"))
    const { code, stdout, stderr } = await run("candles", "--input", path)
    expect(code).toBe(3)
    expect(stderr).toMatch(new RegExp(`${path}:2: .*JSON`))
    expect(stderr).toMatch(new RegExp(`${path}:3: .*"1e5".*\\["data"\\]\\["p"\\]`))
    expect(rows(stdout)).toHaveLength(1)
    expect(rows(stdout)[0]).toMatch(/^1723161240000,61837\.63000000,61838\.00000000,61837\.63000000,61838\.00000000,0\.04000000,/)
  })

  it("refuses a missing file and an unknown interval before doing anything", async () => {
    expect((await run("candles", "--input", "/nonexistent/trades.csv")).stderr).toMatch(/--input.*does not exist/)
    const bad = await run("candles", "--input", resolve(import.meta.dirname, "../bin/blockchaincore.ts"), "--interval", "7m")
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/--interval.*"7m"/)
  })
})
