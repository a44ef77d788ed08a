/**
 * A newcomer's bad input gets one line that names what was wrong, and exit code 1: never a stack
 * trace, "a bug, please report it", or Node's unhandled-error dump.
 */
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { runCli } from "@blockchaincore/testkit/cli"

const scratch = () => mkdtempSync(join(tmpdir(), "blockchaincore-bad-input-"))

const saysOnlyWhy = (run: { readonly code: number | null; readonly stderr: string }, why: RegExp) => {
  expect(run.code).toBe(1)
  expect(run.stderr).toMatch(why)
  expect(run.stderr).not.toMatch(/a bug, please report it|\n\s+at |Unhandled 'error' event/)
}

describe("bad input on the command line", () => {
  it("start --data-dir on a file, or under one, names the directory", async () => {
    const file = join(scratch(), "a-file")
    writeFileSync(file, "")
    saysOnlyWhy(await runCli("start", "--data-dir", file, "--port", "0"), /--data-dir .*a-file is a file, not a folder/)
    saysOnlyWhy(
      await runCli("start", "--data-dir", join(file, "data"), "--port", "0"),
      /--data-dir .*a-file\/data cannot be made: .*a-file is a file, not a folder/
    )
  })

  it("start --replay given a CSV says it is not a recording, and how one is made", async () => {
    const csv = join(scratch(), "trades.csv")
    writeFileSync(csv, "id,price,qty\n1,2,3\n")
    saysOnlyWhy(
      await runCli("start", "--replay", csv, "--data-dir", scratch(), "--port", "0"),
      /--replay .*trades\.csv is not a recording of Binance's trade stream \(line 1: .*\); one is made with `blockchaincore record`/
    )
  })

  it("record --out into a folder that does not exist names the file", async () => {
    const out = join(scratch(), "missing", "trades.ndjson.gz")
    saysOnlyWhy(
      await runCli("record", "--symbols", "btcusdt", "--out", out, "--seconds", "1", "--ws-url", "ws://127.0.0.1:9"),
      /--out .*missing\/trades\.ndjson\.gz cannot be written: its folder .*missing does not exist/
    )
  })
})
