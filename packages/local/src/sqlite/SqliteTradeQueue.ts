/**
 * The local trades queue: what SQS FIFO is on AWS, in-process. Batches keep their order within a
 * shard (the FIFO message group); a stopped queue refuses batches, as an unreachable SQS would,
 * and the producer's journal holds them until it is started again. Given a file, it is durable
 * like SQS: a batch stays on disk from `publish` until `ack`, so a process killed outright loses
 * nothing that was queued.
 */
import { DatabaseSync, type StatementSync } from "node:sqlite"
import { Clock, Context, Duration, Effect, Latch, Layer, Schema, type Scope } from "effect"
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"
import { QueueUnavailable, TradeQueue } from "@blockchaincore/core/ports/TradeQueue"
import type { TradeBatch } from "@blockchaincore/core/trade/TradeBatch"
import { type TraceParent, traceparentFrom } from "@blockchaincore/core/tracing/TraceParent"
import { connectSqlite } from "./LocalDatabase.ts"
import { decodeQueuedBody, encodeQueuedBody, type QueuedBody, readQueuedBinary } from "./QueuedBody.ts"

export class QueueWaitTimedOut extends Schema.TaggedError<QueueWaitTimedOut>()("QueueWaitTimedOut", { limitMillis: Schema.Number }) {
  override get message() {
    return `the local queue did not reach the awaited state within ${this.limitMillis} ms`
  }
}

/** A body as SQLite returns it: a BLOB (binary form) or TEXT (units JSON). */
const queuedBodyOf = (value: unknown): QueuedBody => (value instanceof Uint8Array ? value : String(value))

interface Queued {
  readonly seq: number
  readonly shard: number
  /** When it was queued (ms), for the queue's hop; unknown for a batch queued before tracing. */
  readonly at: number | undefined
  /** The batch's trace context, kept beside the body as SQS keeps a message attribute. */
  readonly traceparent: TraceParent | undefined
  /** Whether the pipe has taken it before (a redelivery is not a second wait in the queue). */
  taken?: boolean
  /**
   * A durable queue holds what it wrote, the binary body: one object outside V8's heap instead of
   * a tuple and two bigints per trade that every young-generation collection would copy while a
   * backlog waits. A batch is read from it when the pipe takes it.
   */
  readonly held: Uint8Array | TradeBatch
}

const batchOf = (q: Queued): TradeBatch => {
  const batch = q.held instanceof Uint8Array ? readQueuedBinary(q.held) : q.held
  return q.traceparent === undefined ? batch : { ...batch, traceparent: q.traceparent }
}

export class SqliteTradeQueue {
  private readonly shards = new Map<number, Array<Queued>>()
  private readonly db: DatabaseSync | undefined
  private seq = 0
  private insert: StatementSync | undefined
  private remove: StatementSync | undefined
  private running = true
  /** Every batch ever accepted, in order of acceptance, if asked for (tests); else empty. */
  readonly accepted: Array<TradeBatch> = []
  /** Trades accepted so far. */
  tradesAccepted = 0
  private readonly keepHistory: boolean
  /** Open once a batch has arrived since the reader last closed it: the reader waits on it instead of polling. */
  readonly arrivals = Latch.makeUnsafe(false)
  /** Opened whenever batches arrive or leave: for whoever waits on the queue's state (tests, a clean stop), without polling. */
  readonly activity = Latch.makeUnsafe(false)

  constructor(options: { readonly keepHistory?: boolean; readonly path?: string } = {}) {
    this.keepHistory = options.keepHistory ?? false
    if (options.path !== undefined) {
      this.db = connectSqlite(options.path, "write")
      this.db.exec(
        "CREATE TABLE IF NOT EXISTS queued (seq INTEGER PRIMARY KEY, shard INTEGER NOT NULL, body TEXT NOT NULL, at INTEGER NOT NULL, traceparent TEXT)"
      )
      // A queue file from before tracing: its rows gain the columns, their time unknown (NULL).
      const columns = new Set(
        this.db
          .prepare("PRAGMA table_info(queued)")
          .all()
          .map((c) => String(c["name"]))
      )
      if (!columns.has("at")) this.db.exec("ALTER TABLE queued ADD COLUMN at INTEGER")
      if (!columns.has("traceparent")) this.db.exec("ALTER TABLE queued ADD COLUMN traceparent TEXT")
      for (const row of this.db.prepare("SELECT seq, body, at, traceparent FROM queued ORDER BY seq").all()) {
        const batch = decodeQueuedBody(queuedBodyOf(row["body"]))
        const queued = {
          seq: Number(row["seq"]),
          shard: batch.shard,
          at: row["at"] === null ? undefined : Number(row["at"]),
          traceparent: traceparentFrom(row["traceparent"]),
          held: batch
        }
        this.enqueue(queued)
        this.seq = queued.seq
      }
    }
  }

  private enqueue(queued: Queued): void {
    const shard = this.shards.get(queued.shard)
    if (shard === undefined) this.shards.set(queued.shard, [queued])
    else shard.push(queued)
  }

  /**
   * Completes when `done()` holds, checked again each time batches arrive or leave; fails with
   * `QueueWaitTimedOut` after `limitMillis`: a wait on the queue's own events, bounded in time,
   * whose end cannot be mistaken for success.
   */
  until(done: () => boolean, limitMillis: number): Effect.Effect<void, QueueWaitTimedOut> {
    const activity = this.activity
    const wait: Effect.Effect<void> = Effect.gen(function* () {
      for (;;) {
        yield* activity.close
        if (done()) return
        yield* activity.await
      }
    })
    return wait.pipe(Effect.timeoutOrElse({ duration: Duration.millis(limitMillis), orElse: () => Effect.fail(new QueueWaitTimedOut({ limitMillis })) }))
  }

  /** Closes the file of a durable queue; what is in it stays for the next process. */
  close(): void {
    this.db?.close()
  }

  publish(batches: ReadonlyArray<TradeBatch>): Effect.Effect<void, QueueUnavailable> {
    return Effect.flatMap(Clock.currentTimeMillis, (at) => {
      if (!this.running) return Effect.fail(new QueueUnavailable({ message: "the local queue is stopped" }))
      if (this.db === undefined) {
        this.accept(
          batches,
          batches.map((batch) => ({ seq: ++this.seq, shard: batch.shard, at, traceparent: batch.traceparent, held: batch }))
        )
        return Effect.void
      }
      const db = this.db
      return Effect.try({
        try: () => {
          const insert = (this.insert ??= db.prepare("INSERT INTO queued VALUES (?, ?, ?, ?, ?)"))
          db.exec("BEGIN")
          const queued = batches.map((batch): Queued => {
            const body = encodeQueuedBody(batch)
            const seq = ++this.seq
            insert.run(seq, batch.shard, body, at, batch.traceparent ?? null)
            return { seq, shard: batch.shard, at, traceparent: batch.traceparent, held: typeof body === "string" ? batch : body }
          })
          db.exec("COMMIT")
          this.accept(batches, queued)
        },
        catch: (e) => new QueueUnavailable({ message: `the local queue's file: ${errorMessage(e)}` })
      })
    })
  }

  private accept(batches: ReadonlyArray<TradeBatch>, queued: ReadonlyArray<Queued>): void {
    for (const q of queued) this.enqueue(q)
    for (const batch of batches) {
      if (this.keepHistory) this.accepted.push(batch)
      for (const part of batch.symbols) this.tradesAccepted += part.trades.length
    }
    this.arrivals.openUnsafe()
    this.activity.openUnsafe()
  }

  /** The shards that hold batches. */
  shardsWithBatches(): Array<number> {
    return [...this.shards].filter(([, batches]) => batches.length > 0).map(([shard]) => shard)
  }

  /** The oldest batch of a shard, left in place until `ack`: delivery is at least once. */
  peek(shard: number): TradeBatch | undefined {
    const head = this.shards.get(shard)?.[0]
    return head === undefined ? undefined : batchOf(head)
  }

  /** When the oldest batch of a shard was queued; undefined if unknown (a batch queued before tracing). */
  queuedAt(shard: number): number | undefined {
    return this.shards.get(shard)?.[0]?.at
  }

  /** As `queuedAt`, the first time the pipe takes that batch only: its wait in the queue is counted once. */
  firstTakeOf(shard: number): number | undefined {
    const head = this.shards.get(shard)?.[0]
    if (head === undefined || head.taken === true) return undefined
    head.taken = true
    return head.at
  }

  /** The oldest batch of the shard has been processed. */
  ack(shard: number): void {
    const done = this.shards.get(shard)?.shift()
    if (done !== undefined && this.db !== undefined) (this.remove ??= this.db.prepare("DELETE FROM queued WHERE seq = ?")).run(done.seq)
    this.activity.openUnsafe()
  }

  /** Takes up to `max` batches of one shard, oldest first. */
  take(shard: number, max: number): Array<TradeBatch> {
    const taken = (this.shards.get(shard) ?? []).splice(0, max)
    if (this.db !== undefined) for (const q of taken) (this.remove ??= this.db.prepare("DELETE FROM queued WHERE seq = ?")).run(q.seq)
    this.activity.openUnsafe()
    return taken.map(batchOf)
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

/** The local runtime's queue, for the pipe that reads it and for what reports its depth. */
export class LocalTradeQueue extends Context.Service<LocalTradeQueue, SqliteTradeQueue>()("@blockchaincore/local/sqlite/LocalTradeQueue") {
  /** A durable queue in `path`, closed with the scope; both as itself and as the `TradeQueue` port. */
  static readonly layer = (path: string): Layer.Layer<LocalTradeQueue | TradeQueue, QueueUnavailable> =>
    Layer.effect(
      TradeQueue,
      Effect.gen(function* () {
        const queue = yield* LocalTradeQueue
        return TradeQueue.of({ publish: (batches) => queue.publish(batches) })
      })
    ).pipe(Layer.provideMerge(Layer.effect(LocalTradeQueue, openQueue(path))))
}

const openQueue = (path: string): Effect.Effect<SqliteTradeQueue, QueueUnavailable, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.try({
      try: () => new SqliteTradeQueue({ path }),
      catch: (e) => new QueueUnavailable({ message: `the local queue's file ${path}: ${errorMessage(e)}` })
    }),
    (queue) => Effect.sync(() => queue.close())
  )
