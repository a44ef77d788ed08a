import { describe, expect, it } from "vitest"
import { cacheControl, SETTLED_AFTER_MILLIS } from "../src/api/CacheControl.ts"

describe("what CloudFront may keep of an API answer", () => {
  const now = Date.UTC(2024, 7, 9, 0, 10)
  const q = (s: string) => new URLSearchParams(s)
  it("keeps klines of settled windows an hour, anything that may hold the open window 5 seconds", () => {
    expect(cacheControl(200, "/api/v3/klines", q(`symbol=BTCUSDT&interval=1m&endTime=${now - SETTLED_AFTER_MILLIS - 1}`), now)).toBe("public, max-age=3600")
    expect(cacheControl(200, "/api/v3/klines", q(`symbol=BTCUSDT&interval=1m&endTime=${now - SETTLED_AFTER_MILLIS}`), now)).toBe("public, max-age=5")
    expect(cacheControl(200, "/api/v3/klines", q("symbol=BTCUSDT&interval=1m"), now)).toBe("public, max-age=5")
    expect(cacheControl(200, "/api/v3/klines", q("endTime=yesterday"), now)).toBe("public, max-age=5")
    expect(cacheControl(200, "/api/anomalies", q(`endTime=${now - 86_400_000}`), now)).toBe("public, max-age=5")
  })
  it("keeps no failure", () => {
    for (const status of [400, 404, 500]) expect(cacheControl(status, "/api/v3/klines", q(""), now)).toBe("no-store")
  })
})
