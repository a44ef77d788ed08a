/**
 * A domain event as EventBridge carries it: `source`, `detail-type` (the event's tag) and
 * `detail` (the event in its JSON form). Patterns match against this shape, here and on AWS.
 */
import { Schema } from "effect"
import { DomainEvent, EVENT_SOURCE } from "./DomainEvent.ts"

export interface EventEnvelope {
  readonly source: string
  readonly "detail-type": DomainEvent["_tag"]
  readonly detail: unknown
}

const encodeEvent = Schema.encodeSync(DomainEvent)

export const envelopeOf = (event: DomainEvent): EventEnvelope => ({
  source: EVENT_SOURCE,
  "detail-type": event._tag,
  detail: encodeEvent(event)
})
