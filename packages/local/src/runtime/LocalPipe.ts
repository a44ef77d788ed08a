/**
 * The local pipe: what the EventBridge Pipe does on AWS, in-process. It reads each shard of the
 * trades queue in order and hands every batch through enrichment to the processor; a batch leaves
 * the queue only once processed, so a failure means it is delivered again (at least once, in
 * order per shard). With nothing to do it waits for the queue's next arrival; a batch that failed
 * is delivered again on the retry schedule (`REDELIVERY`).
 */
import { Clock, Context, Data, Effect, Metric } from "effect"
import { pastHop } from "@blockchaincore/observability/HopTiming"
import { enrich, process } from "@blockchaincore/pipeline/Pipeline"
import { retrySchedule } from "@blockchaincore/core/retry/RetrySchedule"
import type { TradeBatch } from "@blockchaincore/core/trade/TradeBatch"
import type { Enricher } from "@blockchaincore/services/enrichment/Enricher"
import type { Processor } from "@blockchaincore/services/processor/Processor"
import type { SqliteTradeQueue } from "../sqlite/SqliteTradeQueue.ts"
import { batchesProcessed, batchFailures } from "./PipeMetrics.ts"

export interface PipeStats {
  batches: number
  failures: number
  redeliveries: number
}

/** The running pipe's counts, for health and tests. */
export class LocalPipeStats extends Context.Service<LocalPipeStats, PipeStats>()("@blockchaincore/local/runtime/LocalPipeStats") {}

interface PipeOptions {
  /** Deliver every batch twice, as an at-least-once queue may: for tests of idempotency. */
  readonly deliverTwice?: boolean
}

// Not an Effect.fn: Effect's default loggers add each log line to the current span as an event,
// and a span around a program that runs for the process's life would keep every one of them.
export const runLocalPipe = (queue: SqliteTradeQueue, stats: PipeStats, options: PipeOptions = {}) =>
  Effect.gen(function* () {
    const deliver = yield* deliverer
    const pass = Effect.gen(function* () {
      let moved = false
      let failed = false
      for (const shard of queue.shardsWithBatches()) {
        const batch = queue.peek(shard)
        if (batch === undefined) continue
        yield* queueHop(queue, shard, batch)
        const done = yield* deliver(batch).pipe(
          Effect.andThen(options.deliverTwice === true ? deliver(batch) : Effect.void),
          Effect.as(true),
          Effect.catch((e) => Effect.logWarning(`processing a batch of shard ${shard} failed, will retry: ${e.message}`).pipe(Effect.as(false)))
        )
        if (done) {
          queue.ack(shard)
          stats.batches++
          yield* Metric.update(batchesProcessed, 1)
          if (options.deliverTwice === true) stats.redeliveries++
          moved = true
        } else {
          stats.failures++
          yield* Metric.update(batchFailures, 1)
          failed = true
        }
      }
      return { moved, failed }
    })
    // Closed before each pass, so an arrival during the pass reopens it and is not missed. A
    // pass with a failure fails, and is run again on the retry schedule until one goes through.
    const cycle = Effect.gen(function* () {
      yield* queue.arrivals.close
      const { moved, failed } = yield* pass
      if (failed) return yield* new RedeliveryDue()
      if (!moved) yield* queue.arrivals.await
    }).pipe(Effect.retry(REDELIVERY))
    yield* Effect.forever(cycle)
  })

/** The pipeline's enrichment, then its processing, with the services they run on. */
const deliverer = Effect.map(
  Effect.context<Enricher | Processor>(),
  (services) => (batch: TradeBatch) =>
    enrich(batch, batch.traceparent).pipe(
      Effect.flatMap((enriched) => process(enriched, batch.traceparent)),
      Effect.provideContext(services)
    )
)

/**
 * The batch's wait in the queue, from its arrival until the pipe first takes it (not again for a
 * redelivery; not known for a batch queued before tracing).
 */
const queueHop = (queue: SqliteTradeQueue, shard: number, batch: TradeBatch) => {
  const queuedAt = queue.firstTakeOf(shard)
  return queuedAt === undefined ? Effect.void : Effect.flatMap(Clock.currentTimeMillis, (now) => pastHop("queue", queuedAt, now, batch.traceparent))
}

/** A pass left a failed batch on the queue (logged with its reason where it failed). */
class RedeliveryDue extends Data.TaggedError("RedeliveryDue") {}

/** When a batch that failed is delivered again. */
const REDELIVERY = retrySchedule({ baseMillis: 100, capMillis: 5_000 })

/** Processes whatever is still queued, for a clean stop. */
export const drainLocalPipe = (queue: SqliteTradeQueue, stats: PipeStats) =>
  Effect.gen(function* () {
    const deliver = yield* deliverer
    for (const shard of queue.shardsWithBatches()) {
      for (let batch = queue.peek(shard); batch !== undefined; batch = queue.peek(shard)) {
        yield* queueHop(queue, shard, batch)
        yield* deliver(batch)
        queue.ack(shard)
        stats.batches++
        yield* Metric.update(batchesProcessed, 1)
      }
    }
  }).pipe(Effect.retry({ times: 5, schedule: REDELIVERY }))
