/**
 * Keeps one connection per `ConnectionPlan` alive, as one supervised fiber tree, and hands every
 * frame's text to one pull-based stream:
 * - a connection that cannot be opened is retried on the project's `retrySchedule`
 *   (exponential, jittered, capped), and every attempt of every connection waits its turn under
 *   Binance's limit on connection attempts per IP (`AttemptLimiter`, on `Clock`);
 * - a connection that is lost (closed, errored, silent past the idle timeout) is replaced;
 * - before a connection reaches its maximum age (Binance cuts at 24 h), and at once on
 *   `serverShutdown`, a replacement is opened beside it, and the old connection's scope is closed
 *   only when the replacement delivers its first frame. Trades seen on both are the sequencer's
 *   to de-duplicate.
 * Each change of a connection's state is reported (`ClientEvent`) and logged once, with its reason
 * and next step; repeated failures are logged at attempts 1, 2, 4, 8, ... with their count.
 * Frames wait in a bounded buffer: a consumer that falls behind stops the reading, down to the
 * sockets (WireConnection.ts), instead of growing memory.
 */
import { Clock, Deferred, Duration, Effect, Exit, Fiber, Queue, Schedule, Scope, Stream } from "effect"
import { type RetryPolicy, retrySchedule } from "@blockchaincore/core/retry/RetrySchedule"
import { AttemptLimiter } from "./AttemptLimiter.ts"
import { REFUSED_RETRY_MILLIS } from "@blockchaincore/binance/rest/LocationRefused"
import { type ConnectFailed, ConnectionLost, type ConnectionOptions, openConnection, type OpenConnection } from "./WireConnection.ts"
import type { ConnectionPlan } from "./StreamPlan.ts"

export interface SupervisorOptions extends ConnectionOptions {
  readonly backoff: RetryPolicy
  readonly maxConnectionAgeMillis: number
  /**
   * How long both connections deliver once the replacement has every stream acknowledged: the
   * old one's frames already on their way are not lost with it (repeats are dropped by id).
   * One second by default.
   */
  readonly rotationOverlapMillis?: number
}

export const DEFAULT_SUPERVISOR: Omit<SupervisorOptions, keyof ConnectionOptions> = {
  backoff: { baseMillis: 500, capMillis: 30_000 },
  maxConnectionAgeMillis: 23 * 60 * 60_000
}

export type ClientEvent =
  | { readonly _tag: "Connecting"; readonly connection: number; readonly at: number }
  | { readonly _tag: "Connected"; readonly connection: number; readonly rotation: boolean; readonly attempts: number; readonly at: number }
  | { readonly _tag: "Disconnected"; readonly connection: number; readonly reason: ConnectionLost["reason"]; readonly detail: string; readonly at: number }
  | {
      readonly _tag: "ConnectFailed"
      readonly connection: number
      readonly message: string
      readonly retryInMillis: number
      readonly attempt: number
      readonly at: number
    }
  | { readonly _tag: "Rotated"; readonly connection: number; readonly why: "age" | "serverShutdown"; readonly at: number }

/** Frames waiting for the consumer, over all connections. */
const FRAME_BUFFER = 8_192

const isShutdown = (text: string) => text.startsWith('{"stream":"!serverShutdown"') || text.startsWith('{"e":"serverShutdown"')

/** Logged at attempts 1, 2, 4, 8, ...: a long outage is a handful of lines, each with its count. */
const worthLogging = (attempt: number) => (attempt & (attempt - 1)) === 0

interface Owned {
  readonly connection: OpenConnection
  readonly scope: Scope.Closeable
}

interface Serving {
  readonly owned: Owned
  readonly consumer: Fiber.Fiber<void, ConnectionLost>
  /** Completed when the connection asks to be replaced (its age, or serverShutdown). */
  readonly rotate: Deferred.Deferred<"age" | "serverShutdown">
  /** Completed on the connection's first frame. */
  readonly delivered: Deferred.Deferred<void>
}

export const superviseConnections = (
  plans: ReadonlyArray<ConnectionPlan>,
  options: SupervisorOptions,
  report: (event: ClientEvent) => Effect.Effect<void> = () => Effect.void,
  limiter: AttemptLimiter = new AttemptLimiter()
): Stream.Stream<string> =>
  Stream.callback<string>(
    (out) =>
      Effect.gen(function* () {
        const parent = yield* Effect.scope
        const now = Clock.currentTimeMillis
        const takeTurn = Effect.gen(function* () {
          for (;;) {
            const wait = limiter.take(yield* now)
            if (wait === 0) return
            yield* Effect.sleep(Duration.millis(wait))
          }
        })

        const slot = (plan: ConnectionPlan) => {
          const label = `connection ${plan.index}`
          /**
           * One attempt, in a scope of its own that the caller closes when the connection is done;
           * a child of the supervisor's, so that ending the stream ends every connection too.
           */
          const openOwned = Effect.gen(function* () {
            yield* takeTurn
            const scope = yield* Scope.fork(parent)
            const connection = yield* openConnection(plan, options).pipe(
              Scope.provide(scope),
              Effect.onError(() => Scope.close(scope, Exit.void))
            )
            return { connection, scope } satisfies Owned
          })
          const connect = (rotation: boolean) =>
            Effect.gen(function* () {
              let failures = 0
              yield* report({ _tag: "Connecting", connection: plan.index, at: yield* now })
              const owned = yield* openOwned.pipe(
                Effect.retry({
                  schedule: retrySchedule(options.backoff).pipe(
                    Schedule.setInputType<ConnectFailed>(),
                    // A refused location is asked again every few minutes, not hammered.
                    Schedule.modifyDelay(({ duration, input }) =>
                      Effect.succeed(input.refused === true ? Duration.max(duration, Duration.millis(REFUSED_RETRY_MILLIS)) : duration)
                    ),
                    Schedule.tap((meta: Schedule.Metadata<Duration.Duration, ConnectFailed>) =>
                      Effect.gen(function* () {
                        failures = meta.attempt
                        const retryInMillis = Duration.toMillis(meta.duration)
                        yield* report({
                          _tag: "ConnectFailed",
                          connection: plan.index,
                          message: meta.input.message,
                          retryInMillis,
                          attempt: meta.attempt,
                          at: yield* now
                        })
                        if (worthLogging(meta.attempt))
                          yield* Effect.logWarning(`${meta.input.message}; retrying in ${(retryInMillis / 1000).toFixed(1)} s (attempt ${meta.attempt})`)
                      })
                    )
                  )
                })
              )
              yield* report({ _tag: "Connected", connection: plan.index, rotation, attempts: failures + 1, at: yield* now })
              yield* Effect.logInfo(failures === 0 ? `${label} up${rotation ? " (replacement)" : ""}` : `${label} up after ${failures + 1} attempts`)
              return owned
            })
          const serve = (owned: Owned) =>
            Effect.gen(function* () {
              const rotate = yield* Deferred.make<"age" | "serverShutdown">()
              const delivered = yield* Deferred.make<void>()
              let shutdown = false
              const consumer = yield* owned.connection.frames.pipe(
                Stream.runForEachArray((texts) => {
                  // A frame is its text: no object per frame on the hot path.
                  let frames: ReadonlyArray<string> = texts
                  for (let i = 0; i < texts.length; i++) {
                    if (isShutdown(texts[i]!)) {
                      shutdown = true
                      frames = texts.filter((t) => !isShutdown(t))
                      break
                    }
                  }
                  Deferred.doneUnsafe(delivered, Exit.void)
                  const signal = shutdown ? Deferred.succeed(rotate, "serverShutdown") : Effect.void
                  return frames.length > 0 ? Effect.andThen(signal, Queue.offerAll(out, frames)) : signal
                }),
                Effect.forkIn(owned.scope)
              )
              // Both end with the connection's scope: nothing of a retired connection lingers.
              yield* Effect.forkIn(Deferred.succeed(rotate, "age").pipe(Effect.delay(Duration.millis(options.maxConnectionAgeMillis))), owned.scope)
              return { owned, consumer, rotate, delivered } satisfies Serving
            })
          const retire = (serving: Serving) => Fiber.interrupt(serving.consumer).pipe(Effect.andThen(Scope.close(serving.owned.scope, Exit.void)))

          return Effect.gen(function* () {
            let current = yield* serve(yield* connect(false))
            for (;;) {
              const next = yield* Effect.raceFirst(
                // A consumer that is interrupted (the supervisor stopping) interrupts this wait too.
                Fiber.join(current.consumer).pipe(
                  Effect.match({ onSuccess: () => new ConnectionLost({ reason: "closed-by-server", detail: "the stream ended" }), onFailure: (lost) => lost }),
                  Effect.map((lost) => ({ _tag: "lost" as const, lost }))
                ),
                Deferred.await(current.rotate).pipe(Effect.map((why) => ({ _tag: "rotate" as const, why })))
              )
              if (next._tag === "lost") {
                const { reason, message } = next.lost
                yield* report({ _tag: "Disconnected", connection: plan.index, reason, detail: message, at: yield* now })
                yield* Effect.logWarning(`${label} lost (${message}); reconnecting`)
                yield* retire(current)
                current = yield* serve(yield* connect(false))
                continue
              }
              yield* report({ _tag: "Rotated", connection: plan.index, why: next.why, at: yield* now })
              yield* Effect.logInfo(`rotating ${label} (${next.why === "age" ? "before Binance's 24-hour cut" : "serverShutdown"})`)
              const replacement = yield* serve(yield* connect(true))
              // The old connection goes on delivering until the new one delivers every stream: it
              // has delivered, and Binance has acknowledged each of its SUBSCRIBEs.
              const handover = yield* Effect.raceFirst(
                Deferred.await(replacement.delivered).pipe(
                  Effect.andThen(
                    Deferred.await(replacement.owned.connection.subscribed).pipe(
                      Effect.timeoutOrElse({ duration: Duration.millis(options.connectTimeoutMillis), orElse: () => Effect.fail("no acknowledgement") })
                    )
                  ),
                  Effect.andThen(Effect.sleep(Duration.millis(options.rotationOverlapMillis ?? 1_000))),
                  Effect.as("delivered" as const),
                  Effect.catch(() => Effect.succeed("failed" as const))
                ),
                Fiber.join(replacement.consumer).pipe(Effect.exit, Effect.as("failed" as const))
              )
              if (handover === "delivered") {
                yield* retire(current)
                current = replacement
              } else {
                yield* Effect.logWarning(
                  `${label}: the replacement ended, or Binance did not acknowledge its streams, before it delivered them all; keeping the old connection`
                )
                yield* retire(replacement)
                current = { ...current, rotate: yield* Deferred.make<"age" | "serverShutdown">() }
                yield* Effect.forkIn(
                  Deferred.succeed(current.rotate, "age").pipe(Effect.delay(Duration.millis(options.backoff.baseMillis))),
                  current.owned.scope
                )
              }
            }
          })
        }

        yield* Effect.forEach(plans, (plan) => Effect.forkScoped(slot(plan)), { discard: true })
      }),
    { bufferSize: FRAME_BUFFER, strategy: "suspend" }
  )
