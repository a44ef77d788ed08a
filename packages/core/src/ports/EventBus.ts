/**
 * The market bus: domain events out to every subscribed consumer. On AWS an EventBridge bus;
 * locally an in-process bus that matches EventBridge event patterns.
 */
import { Context, type Effect, Schema } from "effect"
import type { DomainEvent } from "../events/DomainEvent.ts"

export class BusUnavailable extends Schema.TaggedError<BusUnavailable>()("BusUnavailable", {
  message: Schema.String
}) {}

export class EventBus extends Context.Service<
  EventBus,
  {
    readonly publish: (events: ReadonlyArray<DomainEvent>) => Effect.Effect<void, BusUnavailable>
  }
>()("@blockchaincore/core/ports/EventBus") {}
