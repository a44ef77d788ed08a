/** The local runtime's recent anomalies and alerts: the last thousand of each, in memory, each id once. */
import { Effect, Layer } from "effect"
import type { AlertSent, AnomalyDetected } from "@blockchaincore/core/events/DomainEvent"
import { EventHistory, historyTime, type HistoryEvent } from "@blockchaincore/core/ports/EventHistory"

const KEPT = 1_000

const newestFirst = <E extends HistoryEvent>(events: Map<string, E>, limit: number): Array<E> =>
  [...events.values()].sort((a, b) => historyTime(b) - historyTime(a) || (a.id < b.id ? 1 : -1)).slice(0, limit)

const keep = <E extends HistoryEvent>(events: Map<string, E>, event: E) => {
  events.set(event.id, event)
  if (events.size > KEPT) {
    const oldest = newestFirst(events, events.size).at(-1)
    if (oldest !== undefined) events.delete(oldest.id)
  }
}

export const makeInMemoryEventHistory = (): EventHistory["Service"] => {
  const anomalies = new Map<string, AnomalyDetected>()
  const alerts = new Map<string, AlertSent>()
  return EventHistory.of({
    record: (event) => Effect.sync(() => (event._tag === "AnomalyDetected" ? keep(anomalies, event) : keep(alerts, event))),
    anomalies: (limit) => Effect.sync(() => newestFirst(anomalies, limit)),
    alerts: (limit) => Effect.sync(() => newestFirst(alerts, limit))
  })
}

export const layerInMemoryEventHistory: Layer.Layer<EventHistory> = Layer.sync(EventHistory, makeInMemoryEventHistory)
