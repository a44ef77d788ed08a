/**
 * The EventBridge adapter's requests, checked at the SDK's wire (no EventBridge can run here): a
 * loopback endpoint answers the real SDK's PutEvents and fails entries on command.
 */
import { EventBridgeClient } from "@aws-sdk/client-eventbridge"
import { Effect, Schema } from "effect"
import { describe, expect, it } from "@effect/vitest"
import { candleClosed, DomainEvent, EVENT_SOURCE } from "@blockchaincore/core/events/DomainEvent"
import { entryOf, entrySize, makeEventBridgeEventBus, MAX_REQUEST_BYTES } from "../src/eventbridge/EventBridgeEventBus.ts"
import { candleAt } from "@blockchaincore/testkit/builders"
import { scopedStandIn } from "@blockchaincore/testkit/scopedStandIn"
import { json, startWireFake, TEST_CREDENTIALS, type WireAnswer } from "@blockchaincore/testkit/wireFake"

const PutEvents = Schema.fromJsonString(
  Schema.Struct({
    Entries: Schema.Array(Schema.Struct({ EventBusName: Schema.String, Source: Schema.String, DetailType: Schema.String, Detail: Schema.String }))
  })
)
type Entries = (typeof PutEvents.Type)["Entries"]

/** `fail(i, entries)` names the entries of request `i` to fail, with their error codes. */
const fakeEventBridge = Effect.fn(function* (fail: (request: number, entries: Entries) => ReadonlyMap<number, string> | "throttle" = () => new Map()) {
  const sent: Array<Entries> = []
  const fake = yield* scopedStandIn(() =>
    startWireFake((request, i): WireAnswer => {
      const entries = Schema.decodeUnknownSync(PutEvents)(request.body).Entries
      sent.push(entries)
      const failing = fail(i, entries)
      if (failing === "throttle") return json({ __type: "ThrottlingException", message: "Rate exceeded" }, 400)
      return json({
        FailedEntryCount: failing.size,
        Entries: entries.map((_, j) => (failing.has(j) ? { ErrorCode: failing.get(j), ErrorMessage: "no" } : { EventId: `e-${i}-${j}` }))
      })
    })
  )
  const client = new EventBridgeClient({ endpoint: fake.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 })
  const bus = makeEventBridgeEventBus({ client, busName: "market", maxAttempts: 4, baseDelayMillis: 5 })
  return { bus, sent, requests: fake.requests }
})

const events = (n: number, from = 0) => Array.from({ length: n }, (_, i) => candleClosed(candleAt("BTCUSDT", Date.UTC(2024, 7, 8) + (from + i) * 60_000)))

describe("EventBridgeEventBus", () => {
  it.live("sends at most 10 entries a request, in order, each the event's detail under its detail-type", () =>
    Effect.gen(function* () {
      const { bus, sent, requests } = yield* fakeEventBridge()
      const published = events(23)
      yield* bus.publish(published)
      expect(requests.map((r) => r.operation)).toEqual(["AWSEvents.PutEvents", "AWSEvents.PutEvents", "AWSEvents.PutEvents"])
      expect(sent.map((e) => e.length)).toEqual([10, 10, 3])
      const entries = sent.flat()
      expect(entries.every((e) => e.EventBusName === "market" && e.Source === EVENT_SOURCE && e.DetailType === "CandleClosed")).toBe(true)
      expect(entries.map((e) => Schema.decodeUnknownSync(DomainEvent)({ _tag: e.DetailType, ...JSON.parse(e.Detail) }))).toEqual(published)
    })
  )

  it("carries a trace context in the event's detail, and adds nothing without one", () => {
    const [event] = events(1)
    const traceparent = `00-${"ab".repeat(16)}-${"cd".repeat(8)}-01`
    const plain = JSON.parse(entryOf("market")(event!).Detail ?? "")
    expect(plain).not.toHaveProperty("traceparent")
    expect(JSON.parse(entryOf("market", traceparent)(event!).Detail ?? "")).toEqual({ ...plain, traceparent })
  })

  it.live("keeps each request within 256 KB as EventBridge counts it", () =>
    Effect.gen(function* () {
      const { bus, sent } = yield* fakeEventBridge()
      // Candle events are small: padding their ids makes entries big enough to need splitting.
      const big = events(10).map((e) => ({ ...e, id: `${e.id}:${"x".repeat(60_000)}` }))
      yield* bus.publish(big)
      expect(sent.length).toBeGreaterThan(1)
      for (const request of sent) expect(request.reduce((n, e) => n + entrySize(e), 0)).toBeLessThanOrEqual(MAX_REQUEST_BYTES)
      expect(sent.flat()).toHaveLength(10)
    })
  )

  it.live("resends only the entries that failed, until EventBridge takes them", () =>
    Effect.gen(function* () {
      const { bus, sent } = yield* fakeEventBridge((i) =>
        i === 1
          ? new Map([
              [1, "ThrottlingException"],
              [3, "InternalFailure"]
            ])
          : new Map()
      )
      const published = events(5)
      yield* bus.publish(published)
      expect(sent.map((r) => r.length)).toEqual([5, 2])
      expect(sent[1]!.map((e) => JSON.parse(e.Detail).id)).toEqual([published[1]!.id, published[3]!.id])
    })
  )

  it.live("gives up after its attempts, and at once on an entry EventBridge can never take", () =>
    Effect.gen(function* () {
      const throttled = yield* fakeEventBridge(() => "throttle")
      const error = yield* Effect.flip(throttled.bus.publish(events(1)))
      expect(error._tag).toBe("BusUnavailable")
      expect(error.message).toMatch(/ThrottlingException.*after 4 attempts/)
      const malformed = yield* fakeEventBridge(() => new Map([[0, "MalformedDetail"]]))
      const refused = yield* Effect.flip(malformed.bus.publish(events(2)))
      expect(refused.message).toMatch(/refused a CandleClosed event: MalformedDetail/)
      expect(malformed.sent).toHaveLength(1)
    })
  )
})
