/** No alert storms: a persisting condition alerts once, resolves once, and respects the cooldown. */
import { describe, expect, it } from "vitest"
import { type ConditionState, DEFAULT_ALERT_POLICY as P, onFinding, onQuietCandle } from "../src/alert/AlertPolicy.ts"

const M = 60_000
const T = 1_723_161_240_000

describe("AlertPolicy", () => {
  it("alerts once for a condition that persists for ten minutes, then resolves once", () => {
    let state: ConditionState | undefined
    const decisions: Array<string> = []
    for (let i = 0; i < 10; i++) {
      const [d, s] = onFinding(P, state, T + i * M, T + (i + 1) * M)
      decisions.push(d)
      state = s
    }
    for (let i = 10; i < 16; i++) {
      const [d, s] = onQuietCandle(P, state, "1m", T + i * M)
      decisions.push(d)
      state = s
    }
    expect(decisions.filter((d) => d === "firing")).toHaveLength(1)
    expect(decisions.filter((d) => d === "resolved")).toHaveLength(1)
    expect(decisions.indexOf("resolved")).toBe(12) // the third quiet candle after the last finding (open time 9)
  })

  it("stays silent when the condition returns within the cooldown, and alerts again after it", () => {
    const [, fired] = onFinding(P, undefined, T, T + M)
    const [, resolved] = onQuietCandle(P, fired, "1m", T + 3 * M)
    expect(resolved?.firing).toBe(false)
    const [again, silenced] = onFinding(P, resolved, T + 5 * M, T + 6 * M)
    expect(again).toBe("silent")
    expect(onQuietCandle(P, silenced, "1m", T + 8 * M)[0]).toBe("silent")
    expect(onFinding(P, resolved, T + 20 * M, T + 21 * M)[0]).toBe("firing")
  })

  it("does not resolve what never fired", () => {
    expect(onQuietCandle(P, undefined, "1m", T)).toEqual(["silent", undefined])
  })
})
