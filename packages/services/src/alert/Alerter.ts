/**
 * The alert service: `AnomalyDetected` → a notification, through the notifier, without storms
 * (core/alert/AlertPolicy.ts: one alert per condition, one "resolved", a cooldown), and an
 * `AlertSent` for each notification. Closed candles drive resolution. The conditions' state is
 * this process's; the AWS handler keeps it in the candle table.
 */
import { Context, Effect, Layer } from "effect"
import { type AlertPolicy, conditionKey, type ConditionState, DEFAULT_ALERT_POLICY, onFinding, onQuietCandle } from "@blockchaincore/core/alert/AlertPolicy"
import { alertSent, type AlertSent, type AnomalyDetected, type AnomalyRule, type CandleClosed } from "@blockchaincore/core/events/DomainEvent"
import { formatUnits, PRICE_SCALE } from "@blockchaincore/core/decimal/Decimal"
import { type BusUnavailable, EventBus } from "@blockchaincore/core/ports/EventBus"
import { Notifier, type NotifyFailed } from "@blockchaincore/core/ports/Notifier"

export class Alerter extends Context.Service<Alerter, {
  readonly onAnomaly: (event: AnomalyDetected) => Effect.Effect<ReadonlyArray<AlertSent>, NotifyFailed | BusUnavailable>
  readonly onCandleClosed: (event: CandleClosed) => Effect.Effect<ReadonlyArray<AlertSent>, NotifyFailed | BusUnavailable>
}>()("@blockchaincore/services/alert/Alerter") {
  static readonly layer = (policy: AlertPolicy = DEFAULT_ALERT_POLICY) =>
    Layer.effect(
      Alerter,
      Effect.gen(function*() {
        const notifier = yield* Notifier
        const bus = yield* EventBus
        const conditions = new Map<string, { readonly state: ConditionState; readonly anomaly: AnomalyDetected }>()

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

        return Alerter.of({
          onAnomaly: Effect.fn("Alerter.onAnomaly")(function*(anomaly: AnomalyDetected) {
            const key = conditionKey(anomaly.candle.symbol, anomaly.candle.interval, anomaly.rule)
            // Event time, not wall-clock time: a replay alerts as the live market would have.
            const [decision, state] = onFinding(policy, conditions.get(key)?.state, anomaly.candle.openTime, anomaly.candle.closeTime)
            conditions.set(key, { state, anomaly })
            return decision === "firing" ? [yield* send(anomaly, "firing")] : []
          }),
          onCandleClosed: Effect.fn("Alerter.onCandleClosed")(function*(event: CandleClosed) {
            const c = event.candle
            const out: Array<AlertSent> = []
            for (const rule of RULES) {
              const key = conditionKey(c.symbol, c.interval, rule)
              const current = conditions.get(key)
              if (current === undefined) continue
              const [decision, state] = onQuietCandle(policy, current.state, c.interval, c.openTime)
              if (state !== undefined) conditions.set(key, { state, anomaly: current.anomaly })
              if (decision === "resolved") out.push(yield* send(current.anomaly, "resolved"))
            }
            return out
          })
        })
      })
    )
}

const RULES: ReadonlyArray<AnomalyRule> = ["price_movement", "volume_spike", "sma_divergence", "robust_zscore_return", "robust_zscore_volume"]
