/**
 * Live updates: the local runtime pushes events (server-sent, `/api/events`); where the API has
 * none (the AWS function URL), the page polls instead. Each pushed event is decoded with its
 * schema before anything is drawn.
 */
import { Schema } from "effect"
import { DomainEvent } from "@blockchaincore/core/events/DomainEvent"
import { PipelineHealth } from "@blockchaincore/core/health/PipelineHealth"

interface LiveHandlers {
  readonly event: (event: DomainEvent) => void
  readonly health: (health: PipelineHealth) => void
  readonly poll: () => Promise<void>
  readonly mode: (mode: "live" | "polling" | "reconnecting") => void
}

const POLL_MILLIS = 15_000
const decodeEvent = Schema.decodeUnknownResult(Schema.fromJsonString(DomainEvent))
const decodeHealth = Schema.decodeUnknownResult(Schema.fromJsonString(PipelineHealth))

export const startLiveFeed = (base: string, on: LiveHandlers): void => {
  let opened = false
  const source = new EventSource(`${base}/api/events`)
  source.onopen = () => {
    opened = true
    on.mode("live")
  }
  for (const name of ["CandleClosed", "CandleRevised", "CandleRetracted", "AnomalyDetected", "AlertSent"]) {
    source.addEventListener(name, (message) => {
      const decoded = decodeEvent(String(message.data))
      if (decoded._tag === "Success") on.event(decoded.success)
      else console.error(`a ${name} event that does not decode: ${decoded.failure.message}`)
    })
  }
  source.addEventListener("health", (message) => {
    const decoded = decodeHealth(String(message.data))
    if (decoded._tag === "Success") on.health(decoded.success)
  })
  source.onerror = () => {
    if (opened) return on.mode("reconnecting") // EventSource reconnects by itself
    source.close()
    on.mode("polling")
    const poll = () => void on.poll().finally(() => setTimeout(poll, POLL_MILLIS))
    setTimeout(poll, POLL_MILLIS)
  }
}
