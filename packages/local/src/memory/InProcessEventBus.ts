/**
 * The local market bus: what EventBridge does on AWS, in-process, over an Effect `PubSub`.
 * Publishing only hands the events over: each subscriber reads its own subscription, filtered by
 * an EventBridge event pattern matched against the envelope exactly as AWS matches it, in a
 * fiber of its own, so a slow or failing subscriber never holds up or breaks the publisher. Like
 * EventBridge, it promises neither order nor a single delivery; tests can make it shuffle and
 * repeat deliveries to prove consumers do not depend on either.
 */
import { Context, Effect, Layer, PubSub, type Scope, Stream } from "effect"
import type { DomainEvent } from "@blockchaincore/core/events/DomainEvent"
import { envelopeOf } from "@blockchaincore/core/events/EventEnvelope"
import { type EventPattern, matches } from "@blockchaincore/core/events/EventPattern"
import { type BusUnavailable, EventBus } from "@blockchaincore/core/ports/EventBus"
import { currentTraceparent, type TraceParent } from "@blockchaincore/core/tracing/TraceParent"

export interface BusOptions {
  /** Deliver each published set of events in a random order, every event twice. */
  readonly shuffleAndRepeat?: boolean
  /** Keep every published event (tests); off, only counts are kept. */
  readonly keepHistory?: boolean
}

/** An event as a subscriber gets it: with the trace of the processing that published it, if sampled. */
export interface Delivery {
  readonly event: DomainEvent
  readonly traceparent: TraceParent | undefined
}

export class InProcessEventBus extends Context.Service<
  InProcessEventBus,
  {
    readonly publish: (events: ReadonlyArray<DomainEvent>) => Effect.Effect<void, BusUnavailable>
    /**
     * The events matching `pattern` from now on. The subscription is taken when the stream is
     * run; with `subscribed`, it is taken at once, so nothing published after it returns is missed.
     */
    readonly events: (pattern: EventPattern) => Effect.Effect<Stream.Stream<DomainEvent>, never, Scope.Scope>
    /** As `events`, each with the trace context it was published under (a consumer's span is its child). */
    readonly deliveries: (pattern: EventPattern) => Effect.Effect<Stream.Stream<Delivery>, never, Scope.Scope>
    /** Every event published, if asked for (tests); else empty. */
    readonly published: ReadonlyArray<DomainEvent>
    readonly counts: ReadonlyMap<DomainEvent["_tag"], number>
  }
>()("@blockchaincore/local/memory/InProcessEventBus") {
  static readonly make = (options: BusOptions = {}) =>
    Effect.gen(function* () {
      const pubsub = yield* PubSub.unbounded<Delivery>()
      const published: Array<DomainEvent> = []
      const counts = new Map<DomainEvent["_tag"], number>()
      const subscribe = (pattern: EventPattern) =>
        Effect.map(PubSub.subscribe(pubsub), (subscription) =>
          Stream.fromSubscription(subscription).pipe(Stream.filter((delivery) => matches(pattern, envelopeOf(delivery.event))))
        )
      return InProcessEventBus.of({
        publish: (events) =>
          Effect.flatMap(currentTraceparent, (traceparent) => {
            const deliveries = events.map((event): Delivery => {
              if (options.keepHistory === true) published.push(event)
              counts.set(event._tag, (counts.get(event._tag) ?? 0) + 1)
              return { event, traceparent }
            })
            return PubSub.publishAll(pubsub, options.shuffleAndRepeat === true ? shuffle([...deliveries, ...deliveries]) : deliveries)
          }),
        events: (pattern) =>
          Effect.map(
            subscribe(pattern),
            Stream.map((delivery) => delivery.event)
          ),
        deliveries: (pattern) => subscribe(pattern),
        published,
        counts
      })
    })

  /** The bus, both as itself (to subscribe) and as the `EventBus` port (to publish). */
  static readonly layer = (options: BusOptions = {}): Layer.Layer<InProcessEventBus | EventBus> =>
    Layer.effect(
      EventBus,
      Effect.gen(function* () {
        const bus = yield* InProcessEventBus
        return EventBus.of({ publish: bus.publish })
      })
    ).pipe(Layer.provideMerge(Layer.effect(InProcessEventBus, InProcessEventBus.make(options))))
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
