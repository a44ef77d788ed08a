/** The pure parts of the stream client: connection plans, backoff, the attempt limit. */
import { describe, expect, it } from "vitest"
import { AttemptLimiter } from "../src/stream/AttemptLimiter.ts"
import { planConnections } from "../src/stream/StreamPlan.ts"

describe("planConnections", () => {
  const symbols = Array.from({ length: 2_500 }, (_, i) => `SYM${i}USDT`)
  const plans = planConnections("wss://stream.binance.com:9443/", symbols)

  it("spreads more than 1024 streams over several connections, none over 1024", () => {
    expect(plans).toHaveLength(3)
    expect(plans.map((p) => p.symbols.length)).toEqual([1000, 1000, 500])
    for (const p of plans) {
      const inUrl = new URL(p.url).searchParams.get("streams")!.split("/")
      expect(inUrl.length + p.subscribes.flat().length).toBeLessThanOrEqual(1024)
      expect([...inUrl, ...p.subscribes.flat()]).toEqual(p.symbols.map((s) => `${s.toLowerCase()}@trade`))
    }
    expect(plans[0]!.url.startsWith("wss://stream.binance.com:9443/stream?streams=sym0usdt@trade/")).toBe(true)
  })

  it("keeps the URL short and the SUBSCRIBE messages few", () => {
    for (const p of plans) {
      expect(p.url.length).toBeLessThan(2_500)
      expect(p.subscribes.length).toBeLessThanOrEqual(5)
    }
  })
})

describe("AttemptLimiter", () => {
  it("allows at most `limit` attempts in any window, and says how long to wait", () => {
    const limiter = new AttemptLimiter(3, 1_000)
    expect([0, 10, 20].map((t) => limiter.take(t))).toEqual([0, 0, 0])
    expect(limiter.take(30)).toBe(970)
    expect(limiter.take(1_000)).toBe(0)
    expect(limiter.take(1_005)).toBe(5)
  })
})
