/** Each anomaly rule on crafted candle series: fires, stays quiet, and grades its severity. */
import { describe, expect, it } from "vitest"
import { DEFAULT_RULES, settingsFor } from "../src/anomaly/AnomalyConfig.ts"
import { evaluate, priceMovement, robustZscores, smaDivergence, volumeSpike } from "../src/anomaly/AnomalyRules.ts"
import type { Candle } from "../src/candle/Candle.ts"

const U = 100_000_000n
const candle = (i: number, close: bigint, volume: bigint = 10n * U): Candle => ({
  symbol: "BTCUSDT",
  interval: "1m",
  openTime: 1_723_161_240_000 + i * 60_000,
  open: close,
  high: close,
  low: close,
  close,
  volume,
  closeTime: 1_723_161_240_000 + i * 60_000 + 59_999,
  quoteVolume: close * volume,
  trades: 1,
  takerBuyBaseVolume: 0n,
  takerBuyQuoteVolume: 0n,
  ignore: "0",
  firstTradeId: i,
  lastTradeId: i,
  complete: true
})
/** Closes that wobble a little around 100, as a quiet market does. */
const quiet = (n: number) =>
  Array.from({ length: n }, (_, i) => candle(i, 100n * U + BigInt((i * 37) % 11) * (U / 100n), 10n * U + BigInt((i * 13) % 7) * (U / 10n)))
const then = (history: Array<Candle>, close: bigint, volume?: bigint) => [...history, candle(history.length, close, volume)]

describe("price movement (close to close, 5%)", () => {
  it("stays quiet at 4.9%, fires at 5.1%, is high at 10%", () => {
    const base = [candle(0, 100n * U)]
    expect(priceMovement(then(base, 10_490_000_000n), DEFAULT_RULES)).toEqual([])
    expect(priceMovement(then(base, 10_510_000_000n), DEFAULT_RULES)).toMatchObject([{ rule: "price_movement", severity: "medium", threshold: 5 }])
    expect(priceMovement(then(base, 9_000_000_000n), DEFAULT_RULES)).toMatchObject([{ severity: "high", metrics: { changePct: -10 } }])
  })
})

describe("volume spike (3x the mean of the previous 9)", () => {
  it("stays quiet at 2.9x, fires at 3.1x, is high at 6x", () => {
    const base = Array.from({ length: 9 }, (_, i) => candle(i, 100n * U, 10n * U))
    expect(volumeSpike(then(base, 100n * U, 29n * U), DEFAULT_RULES)).toEqual([])
    expect(volumeSpike(then(base, 100n * U, 31n * U), DEFAULT_RULES)).toMatchObject([{ severity: "medium", metrics: { volumeRatio: 3.1 } }])
    expect(volumeSpike(then(base, 100n * U, 60n * U), DEFAULT_RULES)).toMatchObject([{ severity: "high" }])
    expect(volumeSpike(then(base.slice(1), 100n * U, 60n * U), DEFAULT_RULES)).toEqual([])
  })
})

describe("SMA divergence (|SMA10 − SMA20| / SMA20, 2%)", () => {
  it("fires when the last ten closes run away from the twenty", () => {
    const flat = Array.from({ length: 20 }, (_, i) => candle(i, 100n * U))
    expect(smaDivergence(flat, DEFAULT_RULES)).toEqual([])
    // Last ten at 105: SMA10 = 105, SMA20 = 102.5, divergence 2.439%.
    const runAway = [...flat.slice(0, 10), ...Array.from({ length: 10 }, (_, i) => candle(10 + i, 105n * U))]
    const [f] = smaDivergence(runAway, DEFAULT_RULES)
    expect(f).toMatchObject({ rule: "sma_divergence", severity: "medium" })
    expect(f!.metrics["divergencePct"]).toBeCloseTo(2.439, 3)
    expect(smaDivergence(flat.slice(1), DEFAULT_RULES)).toEqual([])
  })
})

describe("robust z-scores (median and MAD, no tuning)", () => {
  it("stay quiet on an ordinary candle and fire on an outlying return and volume", () => {
    const history = quiet(61)
    expect(robustZscores(history, DEFAULT_RULES)).toEqual([])
    const jump = robustZscores(then(history, 103n * U, 80n * U), DEFAULT_RULES)
    expect(jump.map((f) => f.rule).sort()).toEqual(["robust_zscore_return", "robust_zscore_volume"])
    expect(jump.every((f) => f.severity === "high")).toBe(true)
  })

  it("need enough history first", () => {
    expect(robustZscores(then(quiet(10), 150n * U, 800n * U), DEFAULT_RULES)).toEqual([])
  })
})

describe("settings per symbol and interval", () => {
  it("apply overrides in order, and turn rules off", () => {
    const config = {
      overrides: [
        { symbol: "BTCUSDT", settings: { priceMovementPct: 1 } },
        { symbol: "BTCUSDT", interval: "1h" as const, settings: { priceMovementPct: 3 } }
      ]
    }
    expect(settingsFor(config, "BTCUSDT", "1m").priceMovementPct).toBe(1)
    expect(settingsFor(config, "BTCUSDT", "1h").priceMovementPct).toBe(3)
    expect(settingsFor(config, "ETHUSDT", "1m").priceMovementPct).toBe(5)
    const off = { ...DEFAULT_RULES, enabled: { ...DEFAULT_RULES.enabled, price_movement: false } }
    expect(evaluate(then([candle(0, 100n * U)], 120n * U), off)).toEqual([])
    expect(evaluate(then([candle(0, 100n * U)], 120n * U), DEFAULT_RULES).map((f) => f.rule)).toEqual(["price_movement"])
  })
})
