/**
 * The producer's parts run as fibers for its whole life. One that dies (not one interrupted at
 * the end) stops the producer: `stopped` fails with the part's name and the reason, and the
 * caller ends the process with them instead of leaving a half-working pipeline.
 */
import { Cause, Deferred, Effect, Exit, Schema, type Scope } from "effect"

/** A part of the producer died: it cannot go on, and says which part and why. */
export class ProducerStopped extends Schema.TaggedError<ProducerStopped>()("ProducerStopped", {
  part: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `the producer's ${this.part} stopped: ${this.reason}`
  }
}

export interface ProducerParts {
  /** Forks `effect` as the part `name`, for the life of the scope. */
  readonly run: (name: string, effect: Effect.Effect<unknown, unknown>) => Effect.Effect<void, never, Scope.Scope>
  /** Fails as soon as any part dies; never succeeds. */
  readonly stopped: Effect.Effect<never, ProducerStopped>
}

export const makeProducerParts = Effect.gen(function* () {
  const stopped = yield* Deferred.make<never, ProducerStopped>()
  const run = (name: string, effect: Effect.Effect<unknown, unknown>) =>
    Effect.asVoid(
      Effect.forkScoped(
        effect.pipe(
          Effect.onExit((exit) =>
            Exit.isFailure(exit) && !Cause.hasInterruptsOnly(exit.cause)
              ? Effect.logError(`the producer's ${name} stopped`, exit.cause).pipe(
                  Effect.andThen(Deferred.fail(stopped, new ProducerStopped({ part: name, reason: Cause.pretty(exit.cause).split("\n")[0] ?? "" })))
                )
              : Effect.void
          )
        )
      )
    )
  return { run, stopped: Deferred.await(stopped) } satisfies ProducerParts
})
