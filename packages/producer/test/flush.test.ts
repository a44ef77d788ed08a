/**
 * The publish stage waits for the batcher instead of polling it: a batch that must go at once (a
 * minute closing) is published without the clock moving, one that waits for its age is published
 * when the clock reaches it, and nothing is published in between. On Effect's TestClock: a stage
 * that polled would need the clock to move, and the first test would never end.
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { expect, it } from "@effect/vitest"
import { Clock, Effect, Layer, Queue } from "effect"
import { TestClock } from "effect/testing"
import { TradeQueue } from "@blockchaincore/core/ports/TradeQueue"
import { tradesOf } from "@blockchaincore/core/trade/TradeBatch"
import { trade } from "@blockchaincore/testkit/builders"
import { Batcher, DEFAULT_BATCHER } from "../src/batching/Batcher.ts"
import { flushDueForever } from "../src/publish/Flush.ts"
import { Journal } from "../src/publish/Journal.ts"
import { makePublisher } from "../src/publish/Publisher.ts"

const MINUTE = Date.UTC(2024, 7, 8, 23, 54)

/** The stage over a queue that hands each publish (when, which trade ids) to the test. */
const stage = Effect.gen(function* () {
  const published = yield* Queue.unbounded<{ readonly at: number; readonly ids: ReadonlyArray<number> }>()
  const queue = TradeQueue.of({
    publish: (batches) =>
      Effect.flatMap(Clock.currentTimeMillis, (at) =>
        batches.length === 0 ? Effect.void : Queue.offer(published, { at, ids: batches.flatMap((b) => b.symbols.flatMap(tradesOf)).map((t) => t.firstId) })
      )
  })
  const batcher = new Batcher(["BTCUSDT"], { ...DEFAULT_BATCHER, shards: 1, maxAgeMillis: 1_000, closeAfterMillis: 0 }, 1)
  const publisher = yield* makePublisher.pipe(
    Effect.provide(Layer.merge(Layer.succeed(TradeQueue, queue), Journal.layer(mkdtempSync(join(tmpdir(), "flush-journal-")))))
  )
  yield* Effect.forkScoped(flushDueForever(batcher, publisher, false))
  return { batcher, published }
})

it.effect("publishes a minute-closing batch at once, and a lone trade only at its age", () =>
  Effect.scoped(
    Effect.gen(function* () {
      const { batcher, published } = yield* stage
      batcher.add(trade(1, MINUTE + 10_000), yield* Clock.currentTimeMillis)
      yield* TestClock.adjust(999)
      expect(yield* Queue.size(published)).toBe(0)
      yield* TestClock.adjust(1)
      expect(yield* Queue.take(published)).toEqual({ at: 1_000, ids: [1] })

      yield* TestClock.adjust(200)
      batcher.add(trade(2, MINUTE + 50_000), yield* Clock.currentTimeMillis)
      // The next minute's first trade closes the minute: its batch goes without the clock moving.
      batcher.add(trade(3, MINUTE + 60_000), yield* Clock.currentTimeMillis)
      expect(yield* Queue.take(published)).toEqual({ at: 1_200, ids: [2, 3] })
      expect(yield* Queue.size(published)).toBe(0)
    })
  )
)
