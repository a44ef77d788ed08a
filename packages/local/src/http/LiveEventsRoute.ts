/**
 * Server-sent events for the dashboard (`GET /api/events`): every closed, revised or retracted
 * candle, anomaly and alert as it is published on the bus, and the pipeline's health every two seconds.
 * Each event is the domain event's JSON (its schema's encoding), named by its tag. Each client
 * has its own bus subscription, ended when it disconnects.
 */
import { Duration, Effect, Schema, Stream } from "effect"
import { Sse } from "effect/encoding"
import { HttpRouter, HttpServerResponse } from "effect/http"
import { DomainEvent, EVENT_SOURCE } from "@blockchaincore/core/events/DomainEvent"
import { PipelineHealth } from "@blockchaincore/core/health/PipelineHealth"
import { StoreHealth } from "@blockchaincore/api/ReadApi"
import { HealthReport } from "@blockchaincore/api/ReadApiServer"
import { InProcessEventBus } from "../memory/InProcessEventBus.ts"

const LIVE = { source: [EVENT_SOURCE], "detail-type": ["CandleClosed", "CandleRevised", "CandleRetracted", "AnomalyDetected", "AlertSent"] }
const HEALTH_EVERY = Duration.seconds(2)

const encodeEvent = Schema.encodeSync(DomainEvent)
const encodeHealth = Schema.encodeSync(Schema.Union([PipelineHealth, StoreHealth]))
const event = (name: string, data: unknown) => Sse.encoder.write({ _tag: "Event", event: name, id: undefined, data: JSON.stringify(data) })

export const liveEventsRoute = HttpRouter.add(
  "GET",
  "/api/events",
  Effect.gen(function* () {
    const bus = yield* InProcessEventBus
    const health = yield* HealthReport
    const healthEvents = Stream.tick(HEALTH_EVERY).pipe(
      Stream.mapEffect(() => health.current),
      Stream.map((h) => event("health", encodeHealth(h)))
    )
    const busEvents = Stream.unwrap(bus.events(LIVE)).pipe(Stream.map((e) => event(e._tag, encodeEvent(e))))
    // Retry quickly after a restart of the runtime; the page reloads nothing, it just reconnects.
    const body = Stream.make(Sse.encoder.write(new Sse.Retry({ duration: Duration.seconds(2), lastEventId: undefined }))).pipe(
      Stream.concat(Stream.merge(healthEvents, busEvents)),
      Stream.encodeText
    )
    return HttpServerResponse.stream(body, { contentType: "text/event-stream", headers: { "cache-control": "no-store" } })
  })
)
