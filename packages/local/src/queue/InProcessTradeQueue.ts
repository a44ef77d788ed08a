/**
 * The local trades queue: what SQS FIFO is on AWS, in-process. Batches keep their order within a
 * shard (the FIFO message group); a stopped queue refuses batches, as an unreachable SQS would,
 * and the producer's journal holds them until it is started again.
 */
import { Effect, Layer } from "effect"
import { QueueUnavailable, TradeQueue } from "@blockchaincore/core/ports/TradeQueue"
import type { TradeBatch } from "@blockchaincore/core/trade/TradeBatch"

export class InProcessTradeQueue {
  private readonly shards = new Map<number, Array<TradeBatch>>()
  private running = true
  /** Every batch ever accepted, in order of acceptance, if asked for (tests); else empty. */
  readonly accepted: Array<TradeBatch> = []
  /** Trades accepted so far. */
  tradesAccepted = 0
  private readonly keepHistory: boolean

  constructor(options: { readonly keepHistory?: boolean } = {}) {
    this.keepHistory = options.keepHistory ?? false
  }

  publish(batches: ReadonlyArray<TradeBatch>): Effect.Effect<void, QueueUnavailable> {
    return Effect.suspend(() => {
      if (!this.running) return Effect.fail(new QueueUnavailable({ message: "the local queue is stopped" }))
      for (const batch of batches) {
        const shard = this.shards.get(batch.shard) ?? []
        shard.push(batch)
        this.shards.set(batch.shard, shard)
        if (this.keepHistory) this.accepted.push(batch)
        for (const part of batch.symbols) this.tradesAccepted += part.trades.length
      }
      return Effect.void
    })
  }

  /** The shards that hold batches. */
  shardsWithBatches(): Array<number> {
    return [...this.shards].filter(([, batches]) => batches.length > 0).map(([shard]) => shard)
  }

  /** The oldest batch of a shard, left in place until `ack`: delivery is at least once. */
  peek(shard: number): TradeBatch | undefined {
    return this.shards.get(shard)?.[0]
  }

  /** The oldest batch of the shard has been processed. */
  ack(shard: number): void {
    this.shards.get(shard)?.shift()
  }

  /** Takes up to `max` batches of one shard, oldest first. */
  take(shard: number, max: number): Array<TradeBatch> {
    return (this.shards.get(shard) ?? []).splice(0, max)
  }

  stop(): void {
    this.running = false
  }

  start(): void {
    this.running = true
  }

  get depth(): number {
    let n = 0
    for (const s of this.shards.values()) n += s.length
    return n
  }

  /** This queue as the `TradeQueue` port. */
  layer(): Layer.Layer<TradeQueue> {
    return Layer.succeed(TradeQueue, TradeQueue.of({ publish: (batches) => this.publish(batches) }))
  }
}
