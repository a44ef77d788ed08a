/**
 * A consumer of domain events, declared once: its name, the EventBridge pattern of the events it
 * wants, its handler, the ports it needs (from which the AWS stack derives its permissions) and
 * the layer its handler runs on, made from a deployment's port layers. `stacks/events.ts` turns
 * each declaration into a bus rule; the consumer function on AWS and the local runtime both run
 * an entry with `entry.layer(ports)`, the ports being each deployment's own.
 */
import { Effect, Layer, type Scope } from "effect"
import type { DomainEvent } from "@blockchaincore/core/events/DomainEvent"
import type { EventPattern } from "@blockchaincore/core/events/EventPattern"
import type { AnomalySettings } from "@blockchaincore/core/anomaly/AnomalySettings"
import type { AlertConditions } from "@blockchaincore/core/ports/AlertConditions"
import type { CandleStore } from "@blockchaincore/core/ports/CandleStore"
import type { CandleRepairs } from "@blockchaincore/core/ports/CandleRepairs"
import type { EventBus } from "@blockchaincore/core/ports/EventBus"
import type { EventHistory } from "@blockchaincore/core/ports/EventHistory"
import type { ExchangeKlines } from "@blockchaincore/core/ports/ExchangeKlines"
import type { Notifier } from "@blockchaincore/core/ports/Notifier"
import type { TradeArchive } from "@blockchaincore/core/ports/TradeArchive"
import type { Webhook } from "@blockchaincore/core/ports/Webhook"

/**
 * How a consumer writes the domain's exact decimals (a candle's `close` is a bigint of 1e-8
 * units): `decimal(event.candle.close)` is "61685.99". Here, beside `defineConsumer`, because
 * every consumer that prints a price needs it.
 */
export { decimal, quoteDecimal, ratio } from "@blockchaincore/core/decimal/DecimalText"

/** A deployment's layer of each port a consumer may need, and of its anomaly settings. */
export interface PortLayers {
  readonly AnomalySettings: Layer.Layer<AnomalySettings, unknown>
  readonly AlertConditions: Layer.Layer<AlertConditions, unknown>
  readonly CandleStore: Layer.Layer<CandleStore, unknown>
  readonly CandleRepairs: Layer.Layer<CandleRepairs, unknown>
  readonly EventBus: Layer.Layer<EventBus, unknown>
  readonly EventHistory: Layer.Layer<EventHistory, unknown>
  readonly ExchangeKlines: Layer.Layer<ExchangeKlines, unknown>
  readonly Notifier: Layer.Layer<Notifier, unknown>
  readonly TradeArchive: Layer.Layer<TradeArchive, unknown>
  readonly Webhook: Layer.Layer<Webhook, unknown>
}

export type Port = keyof PortLayers

/** What a consumer's handling may fail with: retried, then kept as a failure. */
export interface ConsumerFailure {
  readonly _tag: string
  readonly message: string
}

/** A consumer's handler once its layer is built: one event at a time. */
export type EventHandler = (event: DomainEvent) => Effect.Effect<void, ConsumerFailure>

export interface Consumer {
  readonly name: string
  readonly description: string
  readonly pattern: EventPattern
  /** The ports its layer takes from `PortLayers`, for the AWS stack's grants (a test holds the two equal). */
  readonly needs: ReadonlyArray<Port>
  /** Builds the handler on a deployment's ports; what it builds lives as long as the scope. */
  readonly handlerOn: (ports: PortLayers) => Effect.Effect<EventHandler, unknown, Scope.Scope>
}

/** A registry entry from its handler, written against the services it needs, and the layer of those services. */
export const defineConsumer = <R>(spec: {
  readonly name: string
  readonly description: string
  readonly pattern: EventPattern
  readonly needs: ReadonlyArray<Port>
  readonly layer: (ports: PortLayers) => Layer.Layer<R, unknown>
  readonly handle: (event: DomainEvent) => Effect.Effect<void, ConsumerFailure, R>
}): Consumer => ({
  name: spec.name,
  description: spec.description,
  pattern: spec.pattern,
  needs: spec.needs,
  handlerOn: (ports) => Effect.map(Layer.build(spec.layer(ports)), (context) => (event: DomainEvent) => spec.handle(event).pipe(Effect.provideContext(context)))
})
