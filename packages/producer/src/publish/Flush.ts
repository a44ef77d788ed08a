/**
 * The publish stage: the batches due are taken from the batcher and published (to the queue, or
 * the journal while it is away) as soon as they are due: at once when the batcher says one must
 * go (a shard full, a minute closing), else when the oldest reaches its age; at the end, whatever
 * is still pending.
 */
import { Clock, Effect, Latch, type Scope } from "effect"
import type { Batcher } from "../batching/Batcher.ts"
import { publishTraced } from "./BatchTraces.ts"
import type { Publisher } from "./Publisher.ts"

export const flushDueForever = (batcher: Batcher, publisher: Publisher, recorded: boolean) =>
  Effect.gen(function* () {
    const urgent = Latch.makeUnsafe(false)
    // The batcher is called from the stream's fiber: it only opens the latch this fiber waits on.
    batcher.whenUrgent(() => urgent.openUnsafe())
    // Uninterruptible: batches taken from the batcher must reach the queue or the journal.
    const publishDue = Clock.currentTimeMillis.pipe(
      Effect.flatMap((now) => publishTraced(batcher, batcher.takeDue(now), recorded, publisher.publish)),
      Effect.catch((e) => Effect.logError(`journal: ${e.message}`)),
      Effect.uninterruptible
    )
    // Closed before the batches are taken, so a batch falling due while they are published is not missed.
    const cycle = Effect.gen(function* () {
      yield* urgent.close
      yield* publishDue
      const wait = batcher.nextDueAt() - (yield* Clock.currentTimeMillis)
      if (wait > 0) yield* Effect.race(urgent.await, Effect.sleep(wait))
    })
    return yield* Effect.forever(cycle)
  })

/**
 * Publishes what is pending when the scope closes. Finalizers run last first: added before the
 * connections are forked, it runs after they are gone, so nothing arrives after it.
 */
export const flushAllAtEnd = (batcher: Batcher, publisher: Publisher, recorded: boolean): Effect.Effect<void, never, Scope.Scope> =>
  Effect.addFinalizer(() =>
    Effect.suspend(() => publishTraced(batcher, batcher.takeAll(), recorded, publisher.publish)).pipe(
      Effect.catch((e) => Effect.logError(`final flush: ${e.message}`))
    )
  )
