/**
 * The local market bus: what EventBridge does on AWS, in-process. Each subscription has an
 * EventBridge event pattern, matched against the event's envelope exactly as AWS matches it.
 * Like EventBridge, it promises neither order nor a single delivery; tests can make it shuffle
 * and repeat deliveries to prove consumers do not depend on either.
 */
import { Effect, Layer } from "effect"
import type { DomainEvent } from "@blockchaincore/core/events/DomainEvent"
import { envelopeOf } from "@blockchaincore/core/events/EventEnvelope"
import { type EventPattern, matches } from "@blockchaincore/core/events/EventPattern"
import { type BusUnavailable, EventBus } from "@blockchaincore/core/ports/EventBus"

export interface BusOptions {
  /** Deliver each published set of events in a random order, every event twice. */
  readonly shuffleAndRepeat?: boolean
  /** Keep every published event (tests, the API's recent lists); off, only counts are kept. */
  readonly keepHistory?: boolean
}

interface Subscription {
  readonly pattern: EventPattern
  readonly deliver: (event: DomainEvent) => void
}

export class InProcessEventBus {
  readonly published: Array<DomainEvent> = []
  readonly counts = new Map<DomainEvent["_tag"], number>()
  private readonly subscriptions: Array<Subscription> = []
  private readonly options: BusOptions

  constructor(options: BusOptions = {}) {
    this.options = options
  }

  publish(events: ReadonlyArray<DomainEvent>): Effect.Effect<void, BusUnavailable> {
    return Effect.sync(() => {
      for (const event of events) {
        if (this.options.keepHistory === true) this.published.push(event)
        this.counts.set(event._tag, (this.counts.get(event._tag) ?? 0) + 1)
      }
      const deliveries = this.options.shuffleAndRepeat === true ? shuffle([...events, ...events]) : events
      for (const event of deliveries) {
        const envelope = envelopeOf(event)
        for (const s of this.subscriptions) if (matches(s.pattern, envelope)) s.deliver(event)
      }
    })
  }

  subscribe(pattern: EventPattern, deliver: (event: DomainEvent) => void): void {
    this.subscriptions.push({ pattern, deliver })
  }

  layer(): Layer.Layer<EventBus> {
    return Layer.succeed(EventBus, EventBus.of({ publish: (events) => this.publish(events) }))
  }
}


const shuffle = <A>(xs: Array<A>): Array<A> => {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    const t = xs[i]!
    xs[i] = xs[j]!
    xs[j] = t
  }
  return xs
}
