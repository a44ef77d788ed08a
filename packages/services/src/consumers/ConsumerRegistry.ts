/**
 * The consumer registry: every consumer of the market bus, one declaration each. To add one,
 * write its handler and add its declaration here (README, "Add a consumer").
 */
import { Effect, Layer } from "effect"
import { EVENT_SOURCE } from "@blockchaincore/core/events/DomainEvent"
import { EventHistory } from "@blockchaincore/core/ports/EventHistory"
import { Webhook } from "@blockchaincore/core/ports/Webhook"
import { Alerter } from "../alert/Alerter.ts"
import { AnomalyDetector } from "../anomaly/AnomalyDetector.ts"
import { Archiver } from "../archival/Archiver.ts"
import { Reconciler } from "../reconciliation/Reconciler.ts"
import { type Consumer, decimal, defineConsumer } from "./ConsumerDeclaration.ts"

export const anomalyConsumer = defineConsumer({
  name: "anomaly",
  description: "Runs the anomaly rules on every closed candle",
  pattern: { source: [EVENT_SOURCE], "detail-type": ["CandleClosed"] },
  needs: ["CandleStore", "EventBus", "AnomalySettings"],
  layer: (ports) => AnomalyDetector.layer.pipe(Layer.provide(Layer.mergeAll(ports.CandleStore, ports.EventBus, ports.AnomalySettings))),
  handle: (event) => (event._tag === "CandleClosed" ? AnomalyDetector.use((a) => a.onCandleClosed(event)).pipe(Effect.asVoid) : Effect.void)
})

const alertConsumer = defineConsumer({
  name: "alert",
  description: "Turns anomalies into notifications, one per condition, with a cooldown; resolves them",
  pattern: { source: [EVENT_SOURCE], "detail-type": ["AnomalyDetected", "CandleClosed"] },
  needs: ["Notifier", "EventBus", "AlertConditions"],
  layer: (ports) => Alerter.layer().pipe(Layer.provide(Layer.mergeAll(ports.Notifier, ports.EventBus, ports.AlertConditions))),
  handle: (event) =>
    event._tag === "AnomalyDetected"
      ? Alerter.use((a) => a.onAnomaly(event)).pipe(Effect.asVoid)
      : event._tag === "CandleClosed"
        ? Alerter.use((a) => a.onCandleClosed(event)).pipe(Effect.asVoid)
        : Effect.void
})

const archivalConsumer = defineConsumer({
  name: "archival",
  description: "Compacts a closed hour's trades, and a closed day's candles, into Parquet",
  pattern: { source: [EVENT_SOURCE], "detail-type": ["CandleClosed", "CandleRevised"], detail: { candle: { interval: ["1h", "1d"] } } },
  needs: ["CandleStore", "TradeArchive"],
  layer: (ports) => Archiver.layer.pipe(Layer.provide(Layer.mergeAll(ports.CandleStore, ports.TradeArchive))),
  handle: (event) => (event._tag === "CandleClosed" || event._tag === "CandleRevised" ? Archiver.use((a) => a.onCandle(event)) : Effect.void)
})

const reconciliationConsumer = defineConsumer({
  name: "reconciliation",
  description: "Compares every final hour's 1m candles with Binance's own klines, and repairs a window they contradict from Binance's trades",
  pattern: { source: [EVENT_SOURCE], "detail-type": ["CandleClosed", "CandleRevised"], detail: { candle: { interval: ["1h"], complete: [true] } } },
  needs: ["CandleStore", "CandleRepairs", "ExchangeKlines", "EventBus"],
  layer: (ports) => Reconciler.layer.pipe(Layer.provide(Layer.mergeAll(ports.CandleStore, ports.CandleRepairs, ports.ExchangeKlines, ports.EventBus))),
  handle: (event) => (event._tag === "CandleClosed" || event._tag === "CandleRevised" ? Reconciler.use((r) => r.onCandle(event)) : Effect.void)
})

/**
 * The worked example of README's "Add a consumer": high-severity anomalies to a Slack- or
 * Discord-style webhook, as they are detected (the alert service's cooldown does not apply).
 */
export const webhookConsumer = defineConsumer({
  name: "webhook",
  description: "Posts high-severity anomalies to a chat webhook",
  pattern: { source: [EVENT_SOURCE], "detail-type": ["AnomalyDetected"], detail: { severity: ["high"] } },
  needs: ["Webhook"],
  layer: (ports) => ports.Webhook,
  handle: (event) =>
    event._tag === "AnomalyDetected"
      ? Webhook.use((n) =>
          n.notify({
            subject: `${event.candle.symbol} ${event.candle.interval}: ${event.rule} (${event.severity})`,
            body: `close ${decimal(event.candle.close)} at ${new Date(event.candle.openTime).toISOString()}; ${Object.entries(event.metrics)
              .map(([k, v]) => `${k} ${v.toFixed(4)}`)
              .join(", ")}`,
            severity: event.severity
          })
        )
      : Effect.void
})

/** Keeps anomalies, alerts and reconciliations for the API, the dashboard's lists and `/health`. */
const historyConsumer = defineConsumer({
  name: "history",
  description: "Keeps the recent anomalies, alerts and reconciliations for the API and the dashboard",
  pattern: { source: [EVENT_SOURCE], "detail-type": ["AnomalyDetected", "AlertSent", "HourReconciled"] },
  needs: ["EventHistory"],
  layer: (ports) => ports.EventHistory,
  handle: (event) =>
    event._tag === "AnomalyDetected" || event._tag === "AlertSent" || event._tag === "HourReconciled" ? EventHistory.use((h) => h.record(event)) : Effect.void
})

/** Every consumer, in the order their subscriptions are declared. */
export const REGISTRY: ReadonlyArray<Consumer> = [anomalyConsumer, alertConsumer, archivalConsumer, reconciliationConsumer, historyConsumer, webhookConsumer]
