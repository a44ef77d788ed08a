/**
 * The project's one retry policy, for every retry: exponential from a base delay, jittered (×0.8
 * to ×1.2) so that many clients do not retry in step, capped.
 * Reconnects, batch APIs' failed entries, DynamoDB's unprocessed items, REST calls, consumers
 * and the local pipe all retry on it, with their own numbers.
 */
import { Duration, Effect, Schedule } from "effect"

export interface RetryPolicy {
  readonly baseMillis: number
  readonly capMillis: number
}

/** Unlimited: a caller that gives up after some retries says so with `Effect.retry({ schedule, times })`. */
export const retrySchedule = (policy: RetryPolicy) =>
  Schedule.exponential(Duration.millis(policy.baseMillis)).pipe(
    Schedule.jittered,
    Schedule.modifyDelay(({ duration }) => Effect.succeed(Duration.min(duration, Duration.millis(policy.capMillis))))
  )
