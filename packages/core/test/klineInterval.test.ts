/** Binance's interval boundaries and its timeZone parameter, on dates whose answers are known. */
import { Result, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { KLINE_INTERVALS, klineWindowOpen, nextKlineWindow, storedBasis, TimeZone } from "../src/candle/KlineInterval.ts"

const utc = (iso: string) => Date.parse(iso)
const HOUR = 3_600_000
const decodeZone = (text: string) => Result.map(Schema.decodeUnknownResult(TimeZone)(text), (ms) => ms / 60_000)

describe("kline windows", () => {
  it("weeks open on Monday 00:00, months on the 1st, 3d from the epoch; in a time zone, at its local midnight", () => {
    // 2024-08-08 was a Thursday.
    expect(klineWindowOpen("1w", 0, utc("2024-08-08T23:55:00Z"))).toBe(utc("2024-08-05T00:00:00Z"))
    expect(klineWindowOpen("1w", 0, utc("2024-08-05T00:00:00Z"))).toBe(utc("2024-08-05T00:00:00Z"))
    expect(klineWindowOpen("1w", 0, utc("2024-08-04T23:59:59.999Z"))).toBe(utc("2024-07-29T00:00:00Z"))
    expect(nextKlineWindow("1M", 0, utc("2024-02-01T00:00:00Z"))).toBe(utc("2024-03-01T00:00:00Z"))
    expect(klineWindowOpen("1M", 0, utc("2024-12-31T23:59:59.999Z"))).toBe(utc("2024-12-01T00:00:00Z"))
    expect((klineWindowOpen("3d", 0, utc("2024-08-08T12:00:00Z")) / 86_400_000) % 3).toBe(0)
    // UTC+8: Monday 00:00 in Singapore is Sunday 16:00 UTC; a month begins at 16:00 UTC on the last day before it.
    expect(klineWindowOpen("1w", 8 * HOUR, utc("2024-08-04T16:00:00Z"))).toBe(utc("2024-08-04T16:00:00Z"))
    expect(klineWindowOpen("1M", 8 * HOUR, utc("2024-08-31T16:30:00Z"))).toBe(utc("2024-08-31T16:00:00Z"))
    expect(klineWindowOpen("1d", -HOUR, utc("2024-08-08T00:30:00Z"))).toBe(utc("2024-08-07T01:00:00Z"))
    expect(klineWindowOpen("1h", 5.75 * HOUR, utc("2024-08-08T00:20:00Z"))).toBe(utc("2024-08-08T00:15:00Z"))
  })

  it("timeZone: Binance's forms from -12:00 to +14:00, anything else named", () => {
    expect(["0", "8", "-1:00", "05:45", "+14:00", "-12", "-0:30"].map((z) => Result.getOrThrow(decodeZone(z)))).toEqual([0, 480, -60, 345, 840, -720, -30])
    for (const bad of ["14:01", "-12:30", "5:60", "UTC", "", "8h", "1:5"]) {
      const decoded = decodeZone(bad)
      expect(Result.isFailure(decoded), bad).toBe(true)
      if (Result.isFailure(decoded)) expect(String(decoded.failure)).toMatch(/timeZone must be/)
    }
  })

  it("each interval is read from the longest stored one that tiles it, in its time zone", () => {
    const basis = (i: (typeof KLINE_INTERVALS)[number], hours: number) => storedBasis(i, hours * HOUR)
    expect(KLINE_INTERVALS.map((i) => basis(i, 0)?.basis ?? "none").join(" ")).toBe("none 1m 1m 5m 15m 15m 1h 1h 4h 1h 4h 4h 1d 1d 1d 1d")
    expect(KLINE_INTERVALS.filter((i) => basis(i, 0)?.direct === true)).toEqual(["1m", "5m", "15m", "1h", "4h", "1d"])
    expect([basis("1d", 8), basis("1h", 5.75), basis("1M", -1), basis("15m", 5.75)]).toEqual([
      { basis: "4h", direct: false },
      { basis: "15m", direct: false },
      { basis: "1h", direct: false },
      { basis: "15m", direct: true }
    ])
  })
})
