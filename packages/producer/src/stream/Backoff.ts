/**
 * How long to wait before reconnect attempt `attempt` (0 for the first retry): doubling from
 * `baseMillis` up to `capMillis`, with "equal jitter" (half fixed, half random) so that many
 * clients cut off together do not come back together.
 */
export interface BackoffPolicy {
  readonly baseMillis: number
  readonly capMillis: number
}

export const backoffDelay = (policy: BackoffPolicy, attempt: number, random: number): number => {
  const ceiling = Math.min(policy.capMillis, policy.baseMillis * 2 ** Math.min(attempt, 30))
  return Math.round(ceiling / 2 + (ceiling / 2) * random)
}
