/** What a ticker answer proves: no later than its own closeTime, nothing when it is below an earlier answer. */
import { describe, expect, it } from "vitest"
import { makeTrustedTicker } from "../src/completeness/TrustedTicker.ts"

const T = Date.UTC(2024, 7, 8, 10, 0)

describe("the ticker's last ids", () => {
  it("prove no later than the ticker's closeTime, nor than where the stream stood when asked", () => {
    const trusted = makeTrustedTicker()
    const cached = trusted(new Map([["BTCUSDT", { lastId: 100, closeTime: T - 4_000 }]]), T)
    expect(cached.provenTime.get("BTCUSDT")).toBe(T - 4_000)
    const fresh = trusted(new Map([["BTCUSDT", { lastId: 101, closeTime: T + 9_000 }]]), T + 5_000)
    expect(fresh.provenTime.get("BTCUSDT")).toBe(T + 5_000)
  })

  it("takes an answer below a last id reported before as stale: it proves nothing", () => {
    const trusted = makeTrustedTicker()
    trusted(
      new Map([
        ["BTCUSDT", { lastId: 120, closeTime: T }],
        ["ETHUSDT", { lastId: 7, closeTime: T }]
      ]),
      T
    )
    const behind = trusted(
      new Map([
        ["BTCUSDT", { lastId: 118, closeTime: T + 30_000 }],
        ["ETHUSDT", { lastId: 7, closeTime: T + 30_000 }]
      ]),
      T + 30_000
    )
    expect([...behind.lastIds]).toEqual([["ETHUSDT", 7]])
    expect(behind.provenTime.has("BTCUSDT")).toBe(false)
  })
})
