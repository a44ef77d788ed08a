/**
 * What every market bus does (in-process, EventBridge): each subscriber gets, whole, exactly the
 * events its pattern selects, however many are published at once. Neither promises an order or a
 * single delivery, so what a subscriber got is compared as a set of events.
 */
import { describe, expect, it } from "vitest"
import type { Candle } from "@blockchaincore/core/candle/Candle"
import { anomalyDetected, candleClosed, dataGapDetected, type DomainEvent, EVENT_SOURCE } from "@blockchaincore/core/events/DomainEvent"
import { envelopeOf } from "@blockchaincore/core/events/EventEnvelope"
import { type EventPattern, matches } from "@blockchaincore/core/events/EventPattern"
import type { EventBus } from "@blockchaincore/core/ports/EventBus"
import { candleAt } from "../builders.ts"
import { type Fresh, run, withFresh } from "./freshStore.ts"

export interface Subscriber {
  readonly name: string
  readonly pattern: EventPattern
}

export interface BusUnderTest {
  readonly bus: EventBus["Service"]
  /** What `subscriber` was delivered, once the event `lastId` (published last, matching every pattern) has reached it. */
  readonly delivered: (subscriber: string, lastId: string) => Promise<ReadonlyArray<DomainEvent>>
}

/** Three subscriptions as consumers declare them: narrow, by kind, and everything. */
export const SUBSCRIBERS: ReadonlyArray<Subscriber> = [
  { name: "closed-1m", pattern: { source: [EVENT_SOURCE], "detail-type": ["CandleClosed"], detail: { candle: { interval: ["1m"] } } } },
  { name: "candles-and-anomalies", pattern: { source: [EVENT_SOURCE], "detail-type": ["CandleClosed", "AnomalyDetected"] } },
  { name: "everything", pattern: { source: [EVENT_SOURCE] } }
]

const T0 = Date.UTC(2024, 7, 8, 23)
const candle = (interval: Candle["interval"], minute: number): Candle => ({ ...candleAt("BTCUSDT", T0 + minute * 60_000), interval, complete: true })

/** `n` events of every kind the subscribers tell apart, and last, one that every pattern selects. */
const eventsOf = (n: number): { readonly events: ReadonlyArray<DomainEvent>; readonly last: DomainEvent } => {
  const events = Array.from({ length: n }, (_, i): DomainEvent => {
    switch (i % 4) {
      case 0:
        return candleClosed(candle("1m", i))
      case 1:
        return candleClosed(candle("5m", i))
      case 2:
        return anomalyDetected({ rule: "price_movement", severity: "high", metrics: { changePct: 11.2 }, threshold: 5, candle: candle("1m", i) })
      default:
        return dataGapDetected({ symbol: "BTCUSDT", fromId: i * 10, toId: i * 10 + 4, fromTime: T0, toTime: T0 + i })
    }
  })
  const last = candleClosed(candle("1m", n + 1))
  return { events: [...events, last], last }
}

const byId = (events: ReadonlyArray<DomainEvent>) => [...new Map(events.map((e) => [e.id, e])).values()].sort((a, b) => a.id.localeCompare(b.id))

/** Publishes `n` events in one call and holds each subscriber to its pattern. */
const deliversByPattern = async ({ bus, delivered }: BusUnderTest, n: number) => {
  const { events, last } = eventsOf(n)
  await run(bus.publish(events))
  for (const { name, pattern } of SUBSCRIBERS) {
    const expected = events.filter((e) => matches(pattern, envelopeOf(e)))
    // Teeth: every subscriber but the widest misses some events.
    if (name !== "everything") expect(expected.length, name).toBeLessThan(events.length)
    expect(byId(await delivered(name, last.id)), name).toEqual(byId(expected))
  }
}

export const eventBusContract = (adapter: string, fresh: () => Promise<Fresh<BusUnderTest>>) =>
  describe(`the event bus contract: ${adapter}`, () => {
    it(
      "delivers each subscriber exactly the events its pattern selects, each whole",
      withFresh(fresh, (bus) => deliversByPattern(bus, 8))
    )

    it(
      "delivers a publish larger than one request (EventBridge takes 10 events a request) whole",
      withFresh(fresh, (bus) => deliversByPattern(bus, 37))
    )

    it(
      "takes an empty publish as nothing to do",
      withFresh(fresh, async ({ bus, delivered }) => {
        const { last } = eventsOf(0)
        await run(bus.publish([]))
        await run(bus.publish([last]))
        for (const { name } of SUBSCRIBERS) expect(await delivered(name, last.id), name).toEqual([last])
      })
    )
  })
