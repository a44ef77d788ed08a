/**
 * The publish stage: every tick the batches due are taken from the batcher and published (to the
 * queue, or the journal while it is away); at the end, whatever is still pending.
 */
import { Clock, Effect, Schedule, type Scope } from "effect"
import type { Batcher } from "../batching/Batcher.ts"
import { publishTraced } from "./BatchTraces.ts"
import type { Publisher } from "./Publisher.ts"

/** How often due batches are looked for: a window-closing batch waits at most this long. */
const TICK_MILLIS = 10

// Uninterruptible: batches taken from the batcher must reach the queue or the journal.
export const flushDueForever = (batcher: Batcher, publisher: Publisher, recorded: boolean) =>
  Clock.currentTimeMillis.pipe(
    Effect.flatMap((now) => publishTraced(batcher, batcher.takeDue(now), recorded, publisher.publish)),
    Effect.catch((e) => Effect.logError(`journal: ${e.message}`)),
    Effect.uninterruptible,
    Effect.repeat(Schedule.spaced(TICK_MILLIS))
  )

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
