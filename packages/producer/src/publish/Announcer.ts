/**
 * Domain events the producer publishes itself (gaps, silent streams). The bus being away must not
 * stop the producer: a failure is counted and logged, and the trades go on.
 */
import { Effect } from "effect"
import type { DomainEvent } from "@blockchaincore/core/events/DomainEvent"
import { EventBus } from "@blockchaincore/core/ports/EventBus"
import type { ProducerMetrics } from "../metrics/ProducerMetrics.ts"

export type Announce = (events: ReadonlyArray<DomainEvent>) => Effect.Effect<void>

export const makeAnnouncer = Effect.fn("makeAnnouncer")(function* (metrics: ProducerMetrics) {
  const bus = yield* EventBus
  const announce: Announce = (events) =>
    bus
      .publish(events)
      .pipe(Effect.catch((e) => Effect.sync(() => metrics.counters.busFailures++).pipe(Effect.andThen(Effect.logWarning(`bus: ${e.message}`)))))
  return announce
})
