import { describe, expect, it } from "vitest"
import { cacheControl, SETTLED_AFTER_MILLIS } from "../src/api/CacheControl.ts"

describe("what CloudFront may keep of an API answer", () => {
  const now = Date.UTC(2024, 7, 9, 0, 10)
  const q = (s: string) => new URLSearchParams(s)
  it("keeps klines of settled windows an hour, anything that may hold the open window 5 seconds", () => {
    // The window holding endTime must have closed SETTLED_AFTER_MILLIS ago: 00:05's minute, not 00:06's.
    expect(cacheControl(200, "/api/v3/klines", q(`symbol=BTCUSDT&interval=1m&endTime=${now - SETTLED_AFTER_MILLIS - 60_001}`), now)).toBe(
      "public, max-age=3600"
    )
    expect(cacheControl(200, "/api/v3/klines", q(`symbol=BTCUSDT&interval=1m&endTime=${now - SETTLED_AFTER_MILLIS - 1}`), now)).toBe("public, max-age=5")
    // A month, a week or a day that has not ended is still open, however far back endTime is in it.
    const day = 86_400_000
    expect(cacheControl(200, "/api/v3/klines", q(`symbol=BTCUSDT&interval=1M&endTime=${now - 5 * day}`), now)).toBe("public, max-age=5")
    expect(cacheControl(200, "/api/v3/klines", q(`symbol=BTCUSDT&interval=1w&endTime=${now - 2 * day}`), now)).toBe("public, max-age=5")
    expect(cacheControl(200, "/api/v3/klines", q(`symbol=BTCUSDT&interval=1M&endTime=${now - 40 * day}`), now)).toBe("public, max-age=3600")
    // In UTC+8 the day of 2024-08-09 began at 16:00 UTC the day before, and has not ended.
    expect(cacheControl(200, "/api/v3/klines", q(`symbol=BTCUSDT&interval=1d&timeZone=8&endTime=${now - 7 * 3_600_000}`), now)).toBe("public, max-age=5")
    expect(cacheControl(200, "/api/v3/klines", q(`symbol=BTCUSDT&interval=1d&endTime=${now - 7 * 3_600_000}`), now)).toBe("public, max-age=3600")
    expect(cacheControl(200, "/api/v3/klines", q("symbol=BTCUSDT&interval=1m"), now)).toBe("public, max-age=5")
    expect(cacheControl(200, "/api/v3/klines", q("endTime=yesterday"), now)).toBe("public, max-age=5")
    expect(cacheControl(200, "/api/anomalies", q(`endTime=${now - 86_400_000}`), now)).toBe("public, max-age=5")
  })
  it("keeps no failure", () => {
    for (const status of [400, 404, 500]) expect(cacheControl(status, "/api/v3/klines", q(""), now)).toBe("no-store")
  })
})
