/**
 * The alert service: `AnomalyDetected` → a notification, through the notifier, without storms
 * (core/alert/AlertPolicy.ts: one alert per condition, one "resolved", a cooldown), and an
 * `AlertSent` for each notification. Closed candles drive resolution. The conditions live in the
 * `AlertConditions` port, written before the notification goes out and only if unchanged since
 * read: two deliveries of one anomaly, handled at once, send one alert. A notification that
 * fails puts the condition back as it was, so the retried event alerts.
 */
import { Context, Effect, Layer, Schedule } from "effect"
import { type AlertPolicy, conditionKey, type ConditionState, DEFAULT_ALERT_POLICY, onFinding, onQuietCandle } from "@blockchaincore/core/alert/AlertPolicy"
import { alertSent, type AlertSent, type AnomalyDetected, type AnomalyRule, type CandleClosed } from "@blockchaincore/core/events/DomainEvent"
import { formatUnits, PRICE_SCALE } from "@blockchaincore/core/decimal/Decimal"
import { AlertConditions, type StoredCondition } from "@blockchaincore/core/ports/AlertConditions"
import type { StoreUnavailable, VersionConflict } from "@blockchaincore/core/ports/CandleStore"
import { type BusUnavailable, EventBus } from "@blockchaincore/core/ports/EventBus"
import { Notifier, type NotifyFailed } from "@blockchaincore/core/ports/Notifier"

export class Alerter extends Context.Service<Alerter, {
  readonly onAnomaly: (event: AnomalyDetected) => Effect.Effect<ReadonlyArray<AlertSent>, AlertFailure>
  readonly onCandleClosed: (event: CandleClosed) => Effect.Effect<ReadonlyArray<AlertSent>, AlertFailure>
}>()("@blockchaincore/services/alert/Alerter") {
  static readonly layer = (policy: AlertPolicy = DEFAULT_ALERT_POLICY) =>
    Layer.effect(
      Alerter,
      Effect.gen(function*() {
        const notifier = yield* Notifier
        const bus = yield* EventBus
        const conditions = yield* AlertConditions

        const send = Effect.fn("Alerter.send")(function*(anomaly: AnomalyDetected, state: "firing" | "resolved") {
          const c = anomaly.candle
          const price = formatUnits(c.close, PRICE_SCALE, 8)
          yield* notifier.notify({
            subject: `${state === "firing" ? "⚠" : "✓"} ${c.symbol} ${c.interval} ${anomaly.rule} ${state}`,
            body: state === "firing"
              ? `${anomaly.rule} (${anomaly.severity}) on the ${c.interval} candle opening ${new Date(c.openTime).toISOString()}: close ${price}; ${Object.entries(anomaly.metrics).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(", ")}; threshold ${anomaly.threshold}`
              : `${anomaly.rule} on ${c.symbol} ${c.interval} has not fired for ${policy.quietCandles} candles`,
            severity: state === "firing" ? anomaly.severity : "info"
          })
          const sent = alertSent({ anomalyId: anomaly.id, symbol: c.symbol, interval: c.interval, rule: anomaly.rule, state, channel: notifier.channel, sentAt: c.closeTime })
          yield* bus.publish([sent])
          return sent
        })

        /** Saves the new state, then notifies; a failed notification restores the old state. */
        const transition = Effect.fn("Alerter.transition")(function*(
          key: string,
          stored: StoredCondition | undefined,
          state: ConditionState,
          anomaly: AnomalyDetected,
          notify: "firing" | "resolved" | undefined
        ) {
          const version = stored?.version ?? 0
          yield* conditions.save(key, state, anomaly, version)
          if (notify === undefined) return undefined
          return yield* send(anomaly, notify).pipe(
            Effect.tapError(() => stored === undefined ? Effect.void : conditions.save(key, stored.state, stored.anomaly, version + 1).pipe(Effect.ignore))
          )
        })

        return Alerter.of({
          onAnomaly: (anomaly) =>
            Effect.gen(function*() {
              const key = conditionKey(anomaly.candle.symbol, anomaly.candle.interval, anomaly.rule)
              const stored = (yield* conditions.load([key])).get(key)
              // Event time, not wall-clock time: a replay alerts as the live market would have.
              const [decision, state] = onFinding(policy, stored?.state, anomaly.candle.openTime, anomaly.candle.closeTime)
              const sent = yield* transition(key, stored, state, anomaly, decision === "firing" ? "firing" : undefined)
              return sent === undefined ? [] : [sent]
            }).pipe(retryOnConflict),
          onCandleClosed: (event) =>
            Effect.gen(function*() {
              const c = event.candle
              const keys = RULES.map((rule) => conditionKey(c.symbol, c.interval, rule))
              const stored = yield* conditions.load(keys)
              const out: Array<AlertSent> = []
              for (const key of keys) {
                const current = stored.get(key)
                if (current === undefined) continue
                const [decision, state] = onQuietCandle(policy, current.state, c.interval, c.openTime)
                if (state === undefined || (decision !== "resolved" && sameState(state, current.state))) continue
                const sent = yield* transition(key, current, state, current.anomaly, decision === "resolved" ? "resolved" : undefined)
                if (sent !== undefined) out.push(sent)
              }
              return out
            }).pipe(retryOnConflict)
        })
      })
    )
}

export type AlertFailure = NotifyFailed | BusUnavailable | StoreUnavailable | VersionConflict

/** Someone else changed a condition between our read and write: read again and decide again. */
const retryOnConflict = <A, R>(effect: Effect.Effect<A, AlertFailure, R>) =>
  effect.pipe(Effect.retry({ times: 5, schedule: Schedule.spaced(10), while: (e) => e._tag === "VersionConflict" }))

const sameState = (a: ConditionState, b: ConditionState) =>
  a.firing === b.firing && a.lastFiredOpenTime === b.lastFiredOpenTime && a.lastAlertAt === b.lastAlertAt && a.notified === b.notified

const RULES: ReadonlyArray<AnomalyRule> = ["price_movement", "volume_spike", "sma_divergence", "robust_zscore_return", "robust_zscore_volume"]
