/**
 * Sends a batch API's entries until all are taken: entries the service reports as failed are sent
 * again, alone, with exponential backoff and jitter; a request that fails whole (throttling, a
 * network error) is repeated. Used by the SQS, EventBridge and SNS adapters, whose batch calls
 * all answer "these entries failed" rather than failing the request.
 */
import { Effect } from "effect"

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

export const sendUntilTaken = <E, X>(
  options: RetryOptions,
  entries: ReadonlyArray<E>,
  send: (entries: ReadonlyArray<E>) => Promise<Outcome<E>>,
  unavailable: (reason: string) => X
): Effect.Effect<void, X> =>
  Effect.gen(function*() {
    let pending = entries
    for (let attempt = 1; pending.length > 0; attempt++) {
      const result = yield* Effect.tryPromise({
        try: () => send(pending),
        catch: (e) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e))
      }).pipe(Effect.result)
      let problem: string
      if (result._tag === "Success") {
        const outcome = result.success
        if (outcome._tag === "Done") return
        if (outcome._tag === "Refused") return yield* Effect.fail(unavailable(outcome.reason))
        pending = outcome.failed
        problem = outcome.reason
      } else {
        problem = result.failure
      }
      if (attempt >= options.maxAttempts) return yield* Effect.fail(unavailable(`${problem} after ${attempt} attempts`))
      yield* Effect.sleep(Math.min(10_000, options.baseDelayMillis * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2))
    }
  })
