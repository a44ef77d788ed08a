/**
 * Tracing through the local runtime, as a collector sees it: the real recording replayed with
 * spans sent over OTLP (protobuf, the default) to a loopback receiver. A batch that closed a
 * minute is one connected trace, from its root through every hop to each consumer of its events;
 * `/metrics` has every hop's histogram. With tracing off, nothing is sent and no event carries a
 * trace context.
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { candleClosed } from "@blockchaincore/core/events/DomainEvent"
import { envelopeOf } from "@blockchaincore/core/events/EventEnvelope"
import { matches } from "@blockchaincore/core/events/EventPattern"
import { TRACING_OFF, type TracingSettings } from "@blockchaincore/observability/TracingSettings"
import { REGISTRY } from "@blockchaincore/services/consumers/ConsumerRegistry"
import { candleAt } from "@blockchaincore/testkit/builders"
import { type ReceivedSpan, startOtlpReceiver } from "@blockchaincore/testkit/otlpReceiver"
import { scopedStandIn } from "@blockchaincore/testkit/scopedStandIn"
import { describeWithSharedData, RECORDING, sharedFile } from "@blockchaincore/testkit/sharedData"
import { type Delivery } from "../src/memory/InProcessEventBus.ts"
import { runLocalRuntime } from "../src/runtime/LocalRuntime.ts"

const TRADES = 34_419

/** Replays the recording to the end with `tracing`, then stops the runtime (its exporter sends what is left). */
const replayed = (tracing: TracingSettings | undefined) =>
  Effect.scoped(
    Effect.gen(function* () {
      const rt = yield* runLocalRuntime({
        symbols: undefined,
        wsUrl: "ws://unused",
        restUrl: "http://unused",
        replay: { file: sharedFile(RECORDING), speed: undefined },
        dataDir: mkdtempSync(join(tmpdir(), "blockchaincore-tracing-")),
        port: 0,
        ...(tracing === undefined ? {} : { tracing })
      })
      const deliveries: Array<Delivery> = []
      yield* Effect.forkScoped(Stream.runForEach(yield* rt.bus.deliveries({}), (d) => Effect.sync(() => void deliveries.push(d))))
      yield* rt.queue.until(() => rt.queue.tradesAccepted >= TRADES && rt.queue.depth === 0, 60_000)
      const metrics = yield* Effect.promise(() => fetch(`http://127.0.0.1:${rt.port}/metrics`).then((r) => r.text()))
      return { deliveries, metrics }
    })
  )

const childrenOf = (spans: ReadonlyArray<ReceivedSpan>, parent: ReceivedSpan) => spans.filter((s) => s.parentSpanId === parent.spanId)
const descendantsOf = (spans: ReadonlyArray<ReceivedSpan>, parent: ReceivedSpan): Array<ReceivedSpan> =>
  childrenOf(spans, parent).flatMap((child) => [child, ...descendantsOf(spans, child)])

/** The consumers a closed 1m candle is delivered to. */
const minuteConsumers = REGISTRY.filter((c) => matches(c.pattern, envelopeOf(candleClosed(candleAt("BTCUSDT", Date.UTC(2024, 7, 8, 23, 55)))))).map(
  (c) => c.name
)

describeWithSharedData("tracing", () => {
  describe("on the local runtime", () => {
    it.live(
      "traces a batch that closed a minute from its root through every hop to each consumer of its events",
      () =>
        Effect.gen(function* () {
          const receiver = yield* scopedStandIn(startOtlpReceiver)
          const { deliveries, metrics } = yield* replayed({
            ...TRACING_OFF,
            tracesUrl: `${receiver.url}/v1/traces`,
            sampler: "always_on",
            exportEveryMillis: 200,
            serviceName: "blockchaincore-test"
          })
          expect(receiver.requests.every((r) => r.path === "/v1/traces" && r.contentType === "application/x-protobuf")).toBe(true)
          const spans = receiver.spans
          expect(spans.every((s) => s.service === "blockchaincore-test")).toBe(true)
          const roots = spans.filter((s) => s.name === "batch")
          expect(roots.length).toBeGreaterThan(10)
          // A batch whose processing published events: its trace, whole.
          const root = roots.find((r) => spans.some((s) => s.traceId === r.traceId && s.name === "bus"))!
          expect(root).toBeDefined()
          const trace = spans.filter((s) => s.traceId === root.traceId)
          expect(trace.filter((s) => s.parentSpanId === undefined)).toEqual([root])
          const ids = new Set(trace.map((s) => s.spanId))
          expect(trace.filter((s) => s !== root && !ids.has(s.parentSpanId ?? ""))).toEqual([])
          expect(descendantsOf(trace, root)).toHaveLength(trace.length - 1)
          expect(
            childrenOf(trace, root)
              .map((s) => s.name)
              .sort()
          ).toEqual(["batching", "enrich", "process", "publish", "queue"])
          expect(root.attributes["batch.trades"]).toBeGreaterThan(0)
          expect(String(root.attributes["exchange.time"])).toMatch(/^2024-08-0[89]T/)
          const process = trace.find((s) => s.name === "process")!
          const bus = descendantsOf(trace, process).find((s) => s.name === "bus")
          expect(bus).toBeDefined()
          // Each consumer's handling is a child of the publish inside the processing that produced the event.
          const consumed = childrenOf(trace, bus!).map((s) => s.name.replace(/^consume /, ""))
          expect(minuteConsumers.length).toBeGreaterThan(1)
          expect(consumed).toEqual(expect.arrayContaining(minuteConsumers))
          for (const span of trace) expect(span.endNanos).toBeGreaterThanOrEqual(span.startNanos)
          // The events carried their trace to the bus's subscribers.
          expect(deliveries.some((d) => d.traceparent?.includes(root.traceId))).toBe(true)
          for (const hop of ["batching", "publish", "queue", "enrich", "process", "bus", "consume"]) {
            expect(metrics).toMatch(new RegExp(`^blockchaincore_hop_seconds_count\\{[^}]*hop="${hop}"[^}]*\\} [1-9]`, "m"))
            expect(metrics).toMatch(new RegExp(`^blockchaincore_hop_latency_seconds\\{[^}]*hop="${hop}"[^}]*quantile="0.99"[^}]*\\} `, "m"))
          }
        }),
      120_000
    )

    it.live(
      "sends nothing and carries no trace context when tracing is off",
      () =>
        Effect.gen(function* () {
          const receiver = yield* scopedStandIn(startOtlpReceiver)
          const { deliveries, metrics } = yield* replayed(undefined)
          expect(deliveries.length).toBeGreaterThan(20)
          expect(deliveries.filter((d) => d.traceparent !== undefined)).toEqual([])
          expect(receiver.requests).toEqual([])
          // The hops are still timed for /metrics.
          expect(metrics).toMatch(/^blockchaincore_hop_seconds_count\{[^}]*hop="process"[^}]*\} [1-9]/m)
        }),
      120_000
    )
  })
})
