/**
 * The local market bus: domain events to in-process subscribers, as EventBridge delivers them on
 * AWS. It keeps every event published, for the runtime's API and for tests.
 */
import { Effect, Layer } from "effect"
import type { DomainEvent } from "@blockchaincore/core/events/DomainEvent"
import { type BusUnavailable, EventBus } from "@blockchaincore/core/ports/EventBus"

export class InProcessEventBus {
  readonly published: Array<DomainEvent> = []
  private readonly subscribers: Array<(event: DomainEvent) => void> = []

  publish(events: ReadonlyArray<DomainEvent>): Effect.Effect<void, BusUnavailable> {
    return Effect.sync(() => {
      for (const event of events) {
        this.published.push(event)
        for (const subscriber of this.subscribers) subscriber(event)
      }
    })
  }

  subscribe(subscriber: (event: DomainEvent) => void): void {
    this.subscribers.push(subscriber)
  }

  layer(): Layer.Layer<EventBus> {
    return Layer.succeed(EventBus, EventBus.of({ publish: (events) => this.publish(events) }))
  }
}
