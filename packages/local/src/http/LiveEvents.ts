/**
 * Server-sent events for the dashboard (`GET /api/events`): every closed or revised candle,
 * anomaly and alert as it is published on the bus, and the pipeline's health every two seconds.
 * Each event is the domain event's JSON (its schema's encoding), named by its tag.
 */
import type { ServerResponse } from "node:http"
import { Schema } from "effect"
import { DomainEvent, EVENT_SOURCE } from "@blockchaincore/core/events/DomainEvent"
import { PipelineHealth } from "@blockchaincore/core/health/PipelineHealth"
import type { InProcessEventBus } from "../bus/InProcessEventBus.ts"

const encodeEvent = Schema.encodeSync(DomainEvent)
const encodeHealth = Schema.encodeSync(PipelineHealth)

export interface LiveEvents {
  readonly attach: (res: ServerResponse) => void
  readonly close: () => void
}

export const liveEvents = (bus: InProcessEventBus, health: () => PipelineHealth, healthEveryMillis = 2_000): LiveEvents => {
  const clients = new Set<ServerResponse>()
  const send = (name: string, data: () => unknown) => {
    // Nobody watching (the usual case on a busy runtime): nothing is encoded.
    if (clients.size === 0) return
    const chunk = `event: ${name}\ndata: ${JSON.stringify(data())}\n\n`
    for (const res of clients) res.write(chunk)
  }
  bus.subscribe({ source: [EVENT_SOURCE], "detail-type": ["CandleClosed", "CandleRevised", "AnomalyDetected", "AlertSent"] }, (event) => send(event._tag, () => encodeEvent(event)))
  const timer = setInterval(() => send("health", () => encodeHealth(health())), healthEveryMillis)
  timer.unref()
  return {
    attach: (res) => {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" })
      // Retry quickly after a restart of the runtime; the page reloads nothing, it just reconnects.
      res.write(`retry: 2000\n\n`)
      clients.add(res)
      res.write(`event: health\ndata: ${JSON.stringify(encodeHealth(health()))}\n\n`)
      res.on("close", () => clients.delete(res))
    },
    close: () => {
      clearInterval(timer)
      for (const res of clients) res.end()
      clients.clear()
    }
  }
}
