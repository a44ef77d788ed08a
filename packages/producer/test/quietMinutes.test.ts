/** The minutes without trades that the exchange's klines must date before a "trading" word covers them. */
import { describe, expect, it } from "vitest"
import { QuietMinutes } from "../src/completeness/QuietMinutes.ts"

const M = 60_000
const T0 = Date.UTC(2024, 7, 8, 10, 0)

describe("the quiet minutes", () => {
  it("are none while every minute has a trade", () => {
    const quiet = new QuietMinutes()
    for (let m = 0; m < 5; m++) quiet.traded(T0 + m * M + 30_000)
    expect(quiet.since(T0 + 5 * M)).toBe(-1)
  })

  it("start at the first minute a trade skips over, until the klines date it", () => {
    const quiet = new QuietMinutes()
    quiet.traded(T0 + 10_000)
    quiet.traded(T0 + 4 * M + 10_000) // 10:01 to 10:03 without trades
    expect(quiet.since(T0 + 5 * M)).toBe(T0 + M)
    quiet.datedUntil(T0 + 3 * M) // the klines reached 10:03 only (the database lags)
    expect(quiet.since(T0 + 5 * M)).toBe(T0 + 3 * M)
    quiet.datedUntil(T0 + 5 * M)
    expect(quiet.since(T0 + 5 * M + 30_000)).toBe(-1)
  })

  it("include the minutes after the last trade once they have ended, and not again once dated", () => {
    const quiet = new QuietMinutes()
    quiet.traded(T0 + 10_000)
    expect(quiet.since(T0 + M + 59_999)).toBe(-1) // 10:01 has not ended
    expect(quiet.since(T0 + 2 * M)).toBe(T0 + M)
    quiet.datedUntil(T0 + 2 * M)
    expect(quiet.since(T0 + 2 * M + 30_000)).toBe(-1)
    quiet.traded(T0 + 5 * M) // 10:02 to 10:04 without trades; 10:00 and 10:01 were dated
    expect(quiet.since(T0 + 5 * M + 1)).toBe(T0 + 2 * M)
  })
})
