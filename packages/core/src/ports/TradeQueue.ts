/**
 * The trades queue, as the producer sees it: batches go in, in order per shard. On AWS an SQS
 * FIFO queue (message group = shard); locally an in-process queue with the same ordering.
 */
import { Context, type Effect, Schema } from "effect"
import type { TradeBatch } from "../trade/TradeBatch.ts"

export class QueueUnavailable extends Schema.TaggedError<QueueUnavailable>()("QueueUnavailable", {
  message: Schema.String
}) {}

export class TradeQueue extends Context.Service<
  TradeQueue,
  {
    /** Sends the batches, in order; fails only when the queue stays unreachable after retries. */
    readonly publish: (batches: ReadonlyArray<TradeBatch>) => Effect.Effect<void, QueueUnavailable>
  }
>()("@blockchaincore/core/ports/TradeQueue") {}
