/**
 * Sends a batch API's entries until all are taken: entries the service reports as failed are sent
 * again, alone, on the project's retry schedule; a request that fails whole (throttling, a
 * network error) is repeated. Used by the SQS, EventBridge, SNS and DynamoDB adapters, whose
 * batch calls all answer "these entries failed" rather than failing the request.
 */
import { Effect } from "effect"
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"
import { retrySchedule } from "@blockchaincore/core/retry/RetrySchedule"

export interface RetryOptions {
  readonly maxAttempts: number
  readonly baseDelayMillis: number
}

export type Outcome<E> =
  | { readonly _tag: "Done" }
  /** Some entries failed and may succeed if sent again. */
  | { readonly _tag: "Retry"; readonly failed: ReadonlyArray<E>; readonly reason: string }
  /** An entry can never succeed (the sender's fault): stop. */
  | { readonly _tag: "Refused"; readonly reason: string }

/** Why an attempt did not take every entry: worth another attempt, or not. */
type Missed = { readonly _tag: "Retryable"; readonly reason: string } | { readonly _tag: "Refused"; readonly reason: string }

export const sendUntilTaken = <E, X>(
  options: RetryOptions,
  entries: ReadonlyArray<E>,
  send: (entries: ReadonlyArray<E>) => Promise<Outcome<E>>,
  unavailable: (reason: string) => X
): Effect.Effect<void, X> =>
  Effect.suspend(() => {
    let pending = entries
    let attempts = 0
    const attempt = Effect.suspend(() => {
      attempts++
      return Effect.tryPromise({ try: () => send(pending), catch: (e): Missed => ({ _tag: "Retryable", reason: errorMessage(e) }) })
    }).pipe(
      Effect.flatMap((outcome): Effect.Effect<void, Missed> => {
        if (outcome._tag === "Done") return Effect.void
        if (outcome._tag === "Refused") return Effect.fail({ _tag: "Refused", reason: outcome.reason })
        pending = outcome.failed
        return Effect.fail({ _tag: "Retryable", reason: outcome.reason })
      })
    )
    return attempt.pipe(
      Effect.retry({
        schedule: retrySchedule({ baseMillis: options.baseDelayMillis, capMillis: 10_000 }),
        times: options.maxAttempts - 1,
        while: (missed) => missed._tag === "Retryable"
      }),
      Effect.mapError((missed) => unavailable(missed._tag === "Refused" ? missed.reason : `${missed.reason} after ${attempts} attempts`))
    )
  })
