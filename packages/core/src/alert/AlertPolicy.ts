/**
 * When an anomaly becomes a notification, per symbol, interval and rule: the first finding of a
 * condition alerts ("firing"); while it persists, nothing more; once `quietCandles` closed candles
 * in a row pass without it, one "resolved". A condition that comes back within `cooldownMillis` of
 * its last alert stays silent. Pure state: the alert service stores it and feeds it events.
 */
import type { Interval } from "../candle/Interval.ts"
import { intervalMillis } from "../candle/Interval.ts"

export interface AlertPolicy {
  readonly cooldownMillis: number
  readonly quietCandles: number
}

export const DEFAULT_ALERT_POLICY: AlertPolicy = { cooldownMillis: 15 * 60_000, quietCandles: 3 }

export interface ConditionState {
  readonly firing: boolean
  /** Open time of the latest candle on which the rule fired. */
  readonly lastFiredOpenTime: number
  /** When the last "firing" notification went out (event time, not wall-clock). */
  readonly lastAlertAt: number
  /** Whether this episode was notified: one silenced by the cooldown resolves silently too. */
  readonly notified: boolean
}

type Decision = "firing" | "resolved" | "silent"

/** A finding on the candle opening at `openTime`, seen at `now`. */
export const onFinding = (policy: AlertPolicy, state: ConditionState | undefined, openTime: number, now: number): [Decision, ConditionState] => {
  if (state?.firing === true) return ["silent", { ...state, lastFiredOpenTime: Math.max(state.lastFiredOpenTime, openTime) }]
  if (state !== undefined && now - state.lastAlertAt < policy.cooldownMillis) {
    return ["silent", { ...state, firing: true, notified: false, lastFiredOpenTime: Math.max(state.lastFiredOpenTime, openTime) }]
  }
  return ["firing", { firing: true, lastFiredOpenTime: openTime, lastAlertAt: now, notified: true }]
}

/** A closed candle without the finding: after enough of them, the condition has resolved. */
export const onQuietCandle = (
  policy: AlertPolicy,
  state: ConditionState | undefined,
  interval: Interval,
  openTime: number
): [Decision, ConditionState | undefined] => {
  if (state === undefined || !state.firing) return ["silent", state]
  if (openTime >= state.lastFiredOpenTime + policy.quietCandles * intervalMillis[interval]) {
    return [state.notified ? "resolved" : "silent", { ...state, firing: false }]
  }
  return ["silent", state]
}
