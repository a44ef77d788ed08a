/**
 * The alert service: `AnomalyDetected` → a notification, through the notifier, without storms
 * (core/alert/AlertPolicy.ts: one alert per condition, one "resolved", a cooldown), and an
 * `AlertSent` for each notification. Closed candles drive resolution. The conditions live in the
 * `AlertConditions` port, written before the notification goes out and only if unchanged since
 * read: two deliveries of one anomaly, handled at once, send one alert. A notification that
 * fails puts the condition back as it was, so the retried event alerts.
 */
import { Context, Effect, Layer } from "effect"
import { retrySchedule } from "@blockchaincore/core/retry/RetrySchedule"
import { type AlertPolicy, type ConditionState, DEFAULT_ALERT_POLICY, onFinding, onQuietCandle } from "@blockchaincore/core/alert/AlertPolicy"
import { alertSent, type AlertSent, type AnomalyDetected, type AnomalyRule, type CandleClosed } from "@blockchaincore/core/events/DomainEvent"
import { formatUnits, PRICE_SCALE } from "@blockchaincore/core/decimal/Decimal"
import { AlertConditions, type Condition, type ConditionGroup } from "@blockchaincore/core/ports/AlertConditions"
import type { StoreUnavailable, VersionConflict } from "@blockchaincore/core/ports/StoreErrors"
import { type BusUnavailable, EventBus } from "@blockchaincore/core/ports/EventBus"
import { Notifier, type NotifyFailed } from "@blockchaincore/core/ports/Notifier"

export class Alerter extends Context.Service<
  Alerter,
  {
    readonly onAnomaly: (event: AnomalyDetected) => Effect.Effect<ReadonlyArray<AlertSent>, AlertFailure>
    readonly onCandleClosed: (event: CandleClosed) => Effect.Effect<ReadonlyArray<AlertSent>, AlertFailure>
  }
>()("@blockchaincore/services/alert/Alerter") {
  static readonly layer = (policy: AlertPolicy = DEFAULT_ALERT_POLICY) =>
    Layer.effect(
      Alerter,
      Effect.gen(function* () {
        const notifier = yield* Notifier
        const bus = yield* EventBus
        const conditions = yield* AlertConditions

        const send = Effect.fn("Alerter.send")(function* (anomaly: AnomalyDetected, state: "firing" | "resolved") {
          const c = anomaly.candle
          const price = formatUnits(c.close, PRICE_SCALE, 8)
          yield* notifier.notify({
            subject: `${state === "firing" ? "⚠" : "✓"} ${c.symbol} ${c.interval} ${anomaly.rule} ${state}`,
            body:
              state === "firing"
                ? `${anomaly.rule} (${anomaly.severity}) on the ${c.interval} candle opening ${new Date(c.openTime).toISOString()}: close ${price}; ${Object.entries(
                    anomaly.metrics
                  )
                    .map(([k, v]) => `${k} ${v.toFixed(4)}`)
                    .join(", ")}; threshold ${anomaly.threshold}`
                : `${anomaly.rule} on ${c.symbol} ${c.interval} has not fired for ${policy.quietCandles} candles`,
            severity: state === "firing" ? anomaly.severity : "info"
          })
          const sent = alertSent({
            anomalyId: anomaly.id,
            symbol: c.symbol,
            interval: c.interval,
            rule: anomaly.rule,
            state,
            channel: notifier.channel,
            sentAt: c.closeTime
          })
          yield* bus.publish([sent])
          return sent
        })

        /** Saves the group's new conditions, then notifies; a failed notification puts the group back. */
        const commit = Effect.fn("Alerter.commit")(function* (
          c: AnomalyDetected["candle"],
          group: ConditionGroup,
          next: ReadonlyMap<AnomalyRule, Condition>,
          notifications: ReadonlyArray<readonly [AnomalyDetected, "firing" | "resolved"]>
        ) {
          yield* conditions.save(c.symbol, c.interval, next, group.version)
          const sent: Array<AlertSent> = []
          for (const [anomaly, state] of notifications) {
            sent.push(
              yield* send(anomaly, state).pipe(
                Effect.tapError(() => conditions.save(c.symbol, c.interval, group.conditions, group.version + 1).pipe(Effect.ignore))
              )
            )
          }
          return sent
        })

        return Alerter.of({
          onAnomaly: (anomaly) =>
            Effect.gen(function* () {
              const c = anomaly.candle
              const group = yield* conditions.load(c.symbol, c.interval)
              // Event time, not wall-clock time: a replay alerts as the live market would have.
              const [decision, state] = onFinding(policy, group.conditions.get(anomaly.rule)?.state, c.openTime, c.closeTime)
              const next = new Map(group.conditions).set(anomaly.rule, { state, anomaly })
              return yield* commit(c, group, next, decision === "firing" ? [[anomaly, "firing"]] : [])
            }).pipe(retryOnConflict),
          onCandleClosed: (event) =>
            Effect.gen(function* () {
              const c = event.candle
              const group = yield* conditions.load(c.symbol, c.interval)
              if (group.conditions.size === 0) return []
              const next = new Map(group.conditions)
              const resolved: Array<readonly [AnomalyDetected, "resolved"]> = []
              let changed = false
              for (const [rule, current] of group.conditions) {
                const [decision, state] = onQuietCandle(policy, current.state, c.interval, c.openTime)
                if (state === undefined) continue
                if (!sameState(state, current.state)) changed = true
                next.set(rule, { state, anomaly: current.anomaly })
                if (decision === "resolved") resolved.push([current.anomaly, "resolved"])
              }
              if (!changed && resolved.length === 0) return []
              return yield* commit(c, group, next, resolved)
            }).pipe(retryOnConflict)
        })
      })
    )
}

type AlertFailure = NotifyFailed | BusUnavailable | StoreUnavailable | VersionConflict

/** Someone else changed a condition between our read and write: read again and decide again. */
const retryOnConflict = <A, R>(effect: Effect.Effect<A, AlertFailure, R>) =>
  effect.pipe(Effect.retry({ times: 5, schedule: retrySchedule({ baseMillis: 10, capMillis: 200 }), while: (e) => e._tag === "VersionConflict" }))

const sameState = (a: ConditionState, b: ConditionState) =>
  a.firing === b.firing && a.lastFiredOpenTime === b.lastFiredOpenTime && a.lastAlertAt === b.lastAlertAt && a.notified === b.notified
