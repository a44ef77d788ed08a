/**
 * The anomaly rules, on a symbol's closed candles of one interval (oldest first, the candle
 * being judged last). Prices and volumes stay exact until a ratio is taken: statistics (changes,
 * ratios, z-scores) are plain numbers, money never is.
 */
import type { Candle } from "../candle/Candle.ts"
import type { AnomalyRule, Severity } from "../events/DomainEvent.ts"
import type { RuleSettings } from "./AnomalyConfig.ts"
import { ratio } from "../decimal/DecimalText.ts"

interface Finding {
  readonly rule: AnomalyRule
  readonly severity: Severity
  readonly metrics: Readonly<Record<string, number>>
  readonly threshold: number
}

const sum = (xs: ReadonlyArray<bigint>) => xs.reduce((a, b) => a + b, 0n)

const severityOf = (value: number, threshold: number, s: RuleSettings): Severity | undefined =>
  value > threshold ? (value >= threshold * s.highFactor ? "high" : "medium") : undefined

const finding = (rule: AnomalyRule, value: number, threshold: number, s: RuleSettings, metrics: Record<string, number>): Array<Finding> => {
  const severity = severityOf(value, threshold, s)
  return severity === undefined || !Number.isFinite(value) ? [] : [{ rule, severity, metrics, threshold }]
}

export const priceMovement = (history: ReadonlyArray<Candle>, s: RuleSettings): Array<Finding> => {
  const [prev, last] = history.slice(-2)
  if (prev === undefined || last === undefined) return []
  const changePct = ratio((last.close - prev.close) * 100n, prev.close)
  return finding("price_movement", Math.abs(changePct), s.priceMovementPct, s, {
    changePct,
    previousClose: ratio(prev.close, 100_000_000n),
    close: ratio(last.close, 100_000_000n)
  })
}

export const volumeSpike = (history: ReadonlyArray<Candle>, s: RuleSettings): Array<Finding> => {
  if (history.length < s.volumeLookback + 1) return []
  const last = history.at(-1)!
  const previous = history.slice(-(s.volumeLookback + 1), -1).map((c) => c.volume)
  const mean = sum(previous)
  // volume / (sum / n) = volume × n / sum
  const spike = ratio(last.volume * BigInt(s.volumeLookback), mean)
  return finding("volume_spike", spike, s.volumeSpikeRatio, s, { volumeRatio: spike })
}

export const smaDivergence = (history: ReadonlyArray<Candle>, s: RuleSettings): Array<Finding> => {
  if (history.length < s.smaSlow) return []
  const closes = history.map((c) => c.close)
  const fast = sum(closes.slice(-s.smaFast))
  const slow = sum(closes.slice(-s.smaSlow))
  // |fast/nf − slow/ns| / (slow/ns) = |fast·ns − slow·nf| / (slow·nf)
  const nf = BigInt(s.smaFast)
  const ns = BigInt(s.smaSlow)
  const diff = fast * ns - slow * nf
  const divergencePct = ratio((diff < 0n ? -diff : diff) * 100n, slow * nf)
  return finding("sma_divergence", divergencePct, s.smaDivergencePct, s, { divergencePct })
}

const median = (xs: ReadonlyArray<number>): number => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/**
 * Iglewicz–Hoaglin modified z-score of the last value against the ones before it. Where more
 * than half the reference values are equal the MAD is 0, and the mean absolute deviation stands
 * in (scaled by 0.7979, as is usual); a reference with no spread at all gives no score.
 */
const robustZ = (values: ReadonlyArray<number>): number => {
  const reference = values.slice(0, -1)
  const last = values.at(-1)!
  const m = median(reference)
  const deviations = reference.map((x) => Math.abs(x - m))
  const mad = median(deviations)
  if (mad > 0) return (0.6745 * (last - m)) / mad
  const meanAd = deviations.reduce((a, b) => a + b, 0) / deviations.length
  return meanAd > 0 ? (last - m) / (1.2533 * meanAd) : Number.NaN
}

export const robustZscores = (history: ReadonlyArray<Candle>, s: RuleSettings): Array<Finding> => {
  const window = history.slice(-(s.robustWindow + 1))
  if (window.length < Math.min(s.robustWindow, 20) + 1) return []
  const out: Array<Finding> = []
  const returns = window.slice(1).map((c, i) => Math.log(ratio(c.close, window[i]!.close)))
  if (returns.length >= 2) {
    const z = robustZ(returns)
    if (Number.isFinite(z)) out.push(...finding("robust_zscore_return", Math.abs(z), s.robustZ, s, { z, logReturn: returns.at(-1)! }))
  }
  const traded = window.filter((c) => c.volume > 0n)
  if (traded.length >= 2 && window.at(-1)!.volume > 0n) {
    const logVolumes = traded.map((c) => Math.log(ratio(c.volume, 1n)))
    const z = robustZ(logVolumes)
    if (Number.isFinite(z)) out.push(...finding("robust_zscore_volume", Math.abs(z), s.robustZ, s, { z }))
  }
  return out
}

/** Every enabled rule on the last candle of `history`. */
export const evaluate = (history: ReadonlyArray<Candle>, s: RuleSettings): Array<Finding> => [
  ...(s.enabled.price_movement ? priceMovement(history, s) : []),
  ...(s.enabled.volume_spike ? volumeSpike(history, s) : []),
  ...(s.enabled.sma_divergence ? smaDivergence(history, s) : []),
  ...(s.enabled.robust_zscore_return || s.enabled.robust_zscore_volume ? robustZscores(history, s).filter((f) => s.enabled[f.rule]) : [])
]
