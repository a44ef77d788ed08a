/**
 * The stages as both runtimes run them, chained over in-memory ports: a batch enriched and
 * processed, its events consumed, each stage timed as its hop; and a redelivered batch dropped
 * by enrichment, because the processor's state (the port both stages share) already holds it.
 */
import { expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import type { DomainEvent } from "@blockchaincore/core/events/DomainEvent"
import { EventBus } from "@blockchaincore/core/ports/EventBus"
import type { ArchivedTrade } from "@blockchaincore/core/ports/TradeArchive"
import { TradeStaging } from "@blockchaincore/core/ports/TradeStaging"
import { hopLatencies } from "@blockchaincore/observability/HopTiming"
import type { TradeBatch } from "@blockchaincore/core/trade/TradeBatch"
import { defaultEnrichment, Enricher } from "@blockchaincore/services/enrichment/Enricher"
import { DEFAULT_ENGINE, Processor } from "@blockchaincore/services/processor/Processor"
import { memoryCandleStore, memoryEngineStateStore } from "@blockchaincore/testkit/memoryStores"
import { consume, enrich, process } from "../src/Pipeline.ts"

const U = 100_000_000n
const T = Date.UTC(2024, 7, 8, 23, 54)
const TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"

/** Two minutes of BTCUSDT: the first minute's window closes when the second's trades arrive. */
const batch: TradeBatch = {
  shard: 0,
  epoch: 1,
  traceparent: TRACE,
  symbols: [
    {
      symbol: "BTCUSDT",
      watermark: T + 61_000,
      trades: [
        [1, 60_000n * U, U, T + 1_000, false],
        [2, 60_001n * U, U, T + 30_000, true],
        [3, 60_002n * U, U, T + 61_000, false]
      ]
    }
  ]
}

const counts = Effect.map(hopLatencies(["collector"]), (hops) => new Map(hops.map((h) => [h.consumer ?? h.hop, h.count])))

it.effect("enriches, processes and consumes a batch, each stage its hop; a redelivery is dropped by enrichment", () =>
  Effect.gen(function* () {
    const published: Array<DomainEvent> = []
    const staged: Array<ArchivedTrade> = []
    const ports = Layer.mergeAll(
      memoryEngineStateStore(),
      memoryCandleStore(),
      Layer.succeed(EventBus, EventBus.of({ publish: (events) => Effect.sync(() => void published.push(...events)) })),
      Layer.succeed(TradeStaging, TradeStaging.of({ stage: (trades) => Effect.sync(() => void staged.push(...trades)) }))
    )
    const stages = Layer.mergeAll(Enricher.layer(defaultEnrichment([])), Processor.layer(DEFAULT_ENGINE)).pipe(Layer.provideMerge(ports))
    const before = yield* counts
    const consumed: Array<DomainEvent> = []
    const collect = consume("collector", (event) => Effect.sync(() => void consumed.push(event)))

    const redelivered = yield* Effect.gen(function* () {
      const enriched = yield* enrich(batch, batch.traceparent)
      yield* process(enriched, batch.traceparent)
      for (const event of published) yield* collect(event, batch.traceparent)
      return yield* enrich(batch, batch.traceparent)
    }).pipe(Effect.provide(stages))

    expect(staged.map((t) => t.firstId)).toEqual([1, 2, 3])
    expect(published.length).toBeGreaterThan(0)
    expect(consumed).toEqual(published)
    expect(redelivered.dropped).toBe(3)
    const after = yield* counts
    const delta = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0)
    expect([delta("enrich"), delta("process"), delta("collector")]).toEqual([2, 1, published.length])
  })
)
