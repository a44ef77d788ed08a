/**
 * Anomaly rule settings: the seed product's defaults, overridable per symbol and interval.
 * A rule fires above its threshold and is "high" severity at `highFactor` times it.
 */
import { Schema } from "effect"
import { Interval } from "../candle/Interval.ts"
import { SymbolName } from "../trade/Trade.ts"

const Positive = Schema.Finite.check(Schema.isGreaterThan(0))
const Count = Schema.Int.check(Schema.isGreaterThanOrEqualTo(2))

export const RuleSettings = Schema.Struct({
  /** Close-to-close change, in percent. */
  priceMovementPct: Positive,
  /** Volume over the mean of the previous `volumeLookback` candles. */
  volumeSpikeRatio: Positive,
  volumeLookback: Count,
  /** |SMA(fast) − SMA(slow)| / SMA(slow), in percent. */
  smaDivergencePct: Positive,
  smaFast: Count,
  smaSlow: Count,
  /** Robust z-score (median and MAD) of log returns and log volumes over `robustWindow` candles. */
  robustZ: Positive,
  robustWindow: Count,
  highFactor: Positive,
  enabled: Schema.Struct({
    price_movement: Schema.Boolean,
    volume_spike: Schema.Boolean,
    sma_divergence: Schema.Boolean,
    robust_zscore_return: Schema.Boolean,
    robust_zscore_volume: Schema.Boolean
  })
})
export type RuleSettings = typeof RuleSettings.Type

export const DEFAULT_RULES: RuleSettings = {
  priceMovementPct: 5,
  volumeSpikeRatio: 3,
  volumeLookback: 9,
  smaDivergencePct: 2,
  smaFast: 10,
  smaSlow: 20,
  // 3.5 is Iglewicz and Hoaglin's cut-off for modified z-scores: no tuning per market.
  robustZ: 3.5,
  robustWindow: 60,
  highFactor: 2,
  enabled: { price_movement: true, volume_spike: true, sma_divergence: true, robust_zscore_return: true, robust_zscore_volume: true }
}

export const AnomalyConfig = Schema.Struct({
  overrides: Schema.Array(
    Schema.Struct({
      symbol: Schema.optionalKey(SymbolName),
      interval: Schema.optionalKey(Interval),
      settings: Schema.Struct({
        priceMovementPct: Schema.optionalKey(Positive),
        volumeSpikeRatio: Schema.optionalKey(Positive),
        smaDivergencePct: Schema.optionalKey(Positive),
        robustZ: Schema.optionalKey(Positive),
        highFactor: Schema.optionalKey(Positive)
      })
    })
  )
})
export type AnomalyConfig = typeof AnomalyConfig.Type

export const AnomalyConfigFromJson = Schema.fromJsonString(AnomalyConfig)

/** No overrides: every symbol and interval on the default rules. */
export const DEFAULT_ANOMALY_CONFIG: AnomalyConfig = { overrides: [] }

/** How many closed candles before the one judged the rules look at. */
export const historyNeeded = (settings: RuleSettings): number => Math.max(settings.robustWindow, settings.smaSlow, settings.volumeLookback)

/** The settings for one symbol and interval: defaults, then matching overrides in order. */
export const settingsFor = (config: AnomalyConfig, symbol: string, interval: Interval): RuleSettings =>
  config.overrides
    .filter((o) => (o.symbol === undefined || o.symbol === symbol) && (o.interval === undefined || o.interval === interval))
    .reduce<RuleSettings>((s, o) => ({ ...s, ...o.settings }), DEFAULT_RULES)
