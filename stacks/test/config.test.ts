/** The deploy configuration, decoded from the environment of `sst deploy` as CI passes it. */
import { describe, expect, it } from "vitest"
import { deployConfig } from "../config.ts"

describe("deploy configuration", () => {
  it("takes unset and empty variables as the defaults (CI passes unset repository variables as \"\")", () => {
    const defaults = { symbols: ["BTCUSDT", "ETHUSDT"], apiConcurrency: undefined, producerCapacity: "on-demand" }
    expect(deployConfig({})).toEqual(defaults)
    expect(deployConfig({ BLOCKCHAINCORE_SYMBOLS: "", BLOCKCHAINCORE_API_CONCURRENCY: "", BLOCKCHAINCORE_PRODUCER_CAPACITY: " " })).toEqual(defaults)
  })

  it("decodes what is set", () => {
    expect(deployConfig({ BLOCKCHAINCORE_SYMBOLS: "solusdt, btcusdt", BLOCKCHAINCORE_API_CONCURRENCY: "5", BLOCKCHAINCORE_PRODUCER_CAPACITY: "spot" })).toEqual({
      symbols: ["SOLUSDT", "BTCUSDT"],
      apiConcurrency: 5,
      producerCapacity: "spot"
    })
  })

  it("fails the deploy naming the variable that is wrong", () => {
    expect(() => deployConfig({ BLOCKCHAINCORE_SYMBOLS: "btc usdt" })).toThrow(/BLOCKCHAINCORE_SYMBOLS/)
    expect(() => deployConfig({ BLOCKCHAINCORE_API_CONCURRENCY: "lots" })).toThrow(/BLOCKCHAINCORE_API_CONCURRENCY/)
    expect(() => deployConfig({ BLOCKCHAINCORE_API_CONCURRENCY: "0" })).toThrow(/BLOCKCHAINCORE_API_CONCURRENCY/)
    expect(() => deployConfig({ BLOCKCHAINCORE_PRODUCER_CAPACITY: "cheap" })).toThrow(/BLOCKCHAINCORE_PRODUCER_CAPACITY/)
  })
})
