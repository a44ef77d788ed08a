/** The deploy configuration, decoded from the environment of `sst deploy` as CI passes it. */
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { deployConfig } from "../config.ts"

describe("deploy configuration", () => {
  it("takes unset and empty variables as the defaults (CI passes unset repository variables as \"\")", () => {
    const defaults = { symbols: ["BTCUSDT", "ETHUSDT"], apiConcurrency: undefined, producerCapacity: "on-demand", anomalyConfig: undefined }
    expect(deployConfig({})).toEqual(defaults)
    expect(deployConfig({ BLOCKCHAINCORE_SYMBOLS: "", BLOCKCHAINCORE_API_CONCURRENCY: "", BLOCKCHAINCORE_PRODUCER_CAPACITY: " " })).toEqual(defaults)
  })

  it("decodes what is set", () => {
    expect(deployConfig({ BLOCKCHAINCORE_SYMBOLS: "solusdt, btcusdt", BLOCKCHAINCORE_API_CONCURRENCY: "5", BLOCKCHAINCORE_PRODUCER_CAPACITY: "spot" })).toEqual({
      symbols: ["SOLUSDT", "BTCUSDT"],
      apiConcurrency: 5,
      producerCapacity: "spot",
      anomalyConfig: undefined
    })
  })

  it("fails the deploy naming the variable that is wrong", () => {
    expect(() => deployConfig({ BLOCKCHAINCORE_SYMBOLS: "btc usdt" })).toThrow(/BLOCKCHAINCORE_SYMBOLS/)
    expect(() => deployConfig({ BLOCKCHAINCORE_API_CONCURRENCY: "lots" })).toThrow(/BLOCKCHAINCORE_API_CONCURRENCY/)
    expect(() => deployConfig({ BLOCKCHAINCORE_API_CONCURRENCY: "0" })).toThrow(/BLOCKCHAINCORE_API_CONCURRENCY/)
    expect(() => deployConfig({ BLOCKCHAINCORE_PRODUCER_CAPACITY: "cheap" })).toThrow(/BLOCKCHAINCORE_PRODUCER_CAPACITY/)
  })

  it("reads the anomaly settings file, and fails the deploy naming the path and the field when it is not settings", () => {
    const dir = mkdtempSync(join(tmpdir(), "deploy-config-"))
    const file = join(dir, "anomaly.json")
    writeFileSync(file, JSON.stringify({ overrides: [{ symbol: "SOLUSDT", settings: { volumeSpikeRatio: 5 } }] }))
    expect(deployConfig({ BLOCKCHAINCORE_ANOMALY_CONFIG: file }).anomalyConfig).toEqual({ overrides: [{ symbol: "SOLUSDT", settings: { volumeSpikeRatio: 5 } }] })
    writeFileSync(file, JSON.stringify({ overrides: [{ interval: "2m", settings: {} }] }))
    expect(() => deployConfig({ BLOCKCHAINCORE_ANOMALY_CONFIG: file })).toThrow(new RegExp(`BLOCKCHAINCORE_ANOMALY_CONFIG: ${file}: Expected "1m" \\| [^]*\\["interval"\\]`))
    expect(() => deployConfig({ BLOCKCHAINCORE_ANOMALY_CONFIG: join(dir, "missing.json") })).toThrow(/BLOCKCHAINCORE_ANOMALY_CONFIG: cannot read .*missing\.json/)
    const many = { overrides: Array.from({ length: 100 }, (_, i) => ({ symbol: `COIN${i}USDT`, settings: { priceMovementPct: 7 } })) }
    writeFileSync(file, JSON.stringify(many))
    expect(() => deployConfig({ BLOCKCHAINCORE_ANOMALY_CONFIG: file })).toThrow(/more than the 3500 a function's environment can hold/)
  })
})
