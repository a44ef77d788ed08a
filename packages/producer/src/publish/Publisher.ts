/**
 * Batches to the queue, in order, through the journal whenever the queue is away: once one batch
 * has gone to the journal, every later one follows it there until the journal is drained, so the
 * queue never sees them out of order.
 */
import { Clock, Effect, Result } from "effect"
import { TradeQueue } from "@blockchaincore/core/ports/TradeQueue"
import type { TradeBatch } from "@blockchaincore/core/trade/TradeBatch"
import { Journal } from "./Journal.ts"

interface PublishStats {
  published: number
  journaled: number
  lastLatencyMillis: number
  failures: number
}

/** Journal entries sent per attempt while draining (one SQS SendMessageBatch). */
const DRAIN_CHUNK = 10

export const makePublisher = Effect.gen(function* () {
  const queue = yield* TradeQueue
  const journal = yield* Journal
  const stats: PublishStats = { published: 0, journaled: 0, lastLatencyMillis: 0, failures: 0 }

  /** Sends what the journal holds, oldest first; stops at the first failure (the next call retries). */
  const drain = Effect.gen(function* () {
    while (journal.size() > 0) {
      const entries = journal.peek(DRAIN_CHUNK)
      const sent = yield* queue.publish(entries).pipe(Effect.result)
      if (Result.isFailure(sent)) {
        stats.failures++
        return false
      }
      yield* journal.commit(entries.length)
      stats.published += entries.length
    }
    return true
  })

  const publish = (batches: ReadonlyArray<TradeBatch>) =>
    Effect.gen(function* () {
      if (batches.length === 0) return
      if (journal.size() > 0 && !(yield* drain)) {
        yield* journal.append(batches)
        stats.journaled += batches.length
        return
      }
      const started = yield* Clock.currentTimeMillis
      const sent = yield* queue.publish(batches).pipe(Effect.result)
      if (Result.isSuccess(sent)) {
        stats.published += batches.length
        stats.lastLatencyMillis = (yield* Clock.currentTimeMillis) - started
        return
      }
      stats.failures++
      yield* Effect.logWarning(`queue unavailable, journaling ${batches.length} batches: ${sent.failure.message}`)
      yield* journal.append(batches)
      stats.journaled += batches.length
    })

  return { publish, drain, stats, journalSize: () => journal.size() }
})

export type Publisher = Effect.Success<typeof makePublisher>
