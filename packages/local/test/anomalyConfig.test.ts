/**
 * `npm start -- --anomaly-config FILE`, run as a user runs it, on the recording with BTCUSDT 20%
 * higher from 00:00: the file's threshold for BTCUSDT 1m decides that candle's anomaly (its
 * threshold and severity), the defaults hold everywhere else, and a bad file is refused naming
 * the path and the field.
 */
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Schema } from "effect"
import { expect, it } from "vitest"
import { describeWithSharedData, RECORDING, sharedFile } from "@blockchaincore/testkit/sharedData"
import { alteredRecording, JUMP_AT } from "@blockchaincore/testkit/alteredRecording"
import { runCli, startCli, waitFor } from "@blockchaincore/testkit/cli"

const scratch = () => mkdtempSync(join(tmpdir(), "blockchaincore-anomaly-config-"))
const Served = Schema.Array(
  Schema.Struct({
    rule: Schema.String,
    severity: Schema.String,
    threshold: Schema.Number,
    candle: Schema.Struct({ interval: Schema.String, openTime: Schema.Number })
  })
)

describeWithSharedData("start --anomaly-config", () => {
  it("decides the anomaly of BTCUSDT 1m by the file's threshold and high factor; other intervals keep the defaults", async () => {
    const file = join(scratch(), "anomaly.json")
    writeFileSync(file, JSON.stringify({ overrides: [{ symbol: "BTCUSDT", interval: "1m", settings: { priceMovementPct: 10, highFactor: 3 } }] }))
    const rt = await startCli("--replay", alteredRecording(), "--data-dir", scratch(), "--port", "0", "--anomaly-config", file)
    try {
      const served = async () =>
        Schema.decodeUnknownSync(Served)(await (await fetch(`http://127.0.0.1:${rt.port}/api/anomalies?symbol=BTCUSDT&rule=price_movement`)).json())
      const at = (interval: string) => async () => (await served()).find((a) => a.candle.interval === interval && a.candle.openTime === JUMP_AT)
      await waitFor("the 1m and 5m anomalies of the jump", async () => (await at("1m")()) !== undefined && (await at("5m")()) !== undefined)
      // 20% is above the file's 10%, but below 3 × 10%: medium, where the defaults (5%, × 2) say high.
      expect(await at("1m")()).toMatchObject({ threshold: 10, severity: "medium" })
      expect(await at("5m")()).toMatchObject({ threshold: 5, severity: "high" })
    } finally {
      await rt.stop()
    }
  })

  it("refuses a file that is not settings, naming the path and the field", async () => {
    const dir = scratch()
    const bad = join(dir, "anomaly.json")
    writeFileSync(bad, JSON.stringify({ overrides: [{ symbol: "BTCUSDT", settings: { priceMovementPct: -1 } }] }))
    const run = await runCli("start", "--replay", sharedFile(RECORDING), "--data-dir", dir, "--port", "0", "--anomaly-config", bad)
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`blockchaincore: AnomalyConfigError: --anomaly-config ${bad}: Expected a value greater than 0`)
    expect(run.stderr).toContain(`["overrides"][0]["settings"]["priceMovementPct"]`)
    writeFileSync(bad, JSON.stringify({ overrides: [{ symbol: "BTCUSDT", settings: { priceMovementPc: 3 } }] }))
    const misspelt = await runCli("start", "--replay", sharedFile(RECORDING), "--data-dir", dir, "--port", "0", "--anomaly-config", bad)
    expect([misspelt.code, misspelt.stderr]).toEqual([1, expect.stringContaining(`["priceMovementPc"]`)])
  })
})
