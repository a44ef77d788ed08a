/**
 * Binance allows at most 300 connection attempts per 5 minutes per IP; past that it bans the IP.
 * This keeps a client under a limit of its own, over a sliding window.
 */
export class AttemptLimiter {
  private readonly attempts: Array<number> = []
  private readonly limit: number
  private readonly windowMillis: number

  constructor(limit = 250, windowMillis = 5 * 60_000) {
    this.limit = limit
    this.windowMillis = windowMillis
  }

  /** Milliseconds to wait before an attempt at `now` is allowed (0: go now, and it is counted). */
  take(now: number): number {
    while (this.attempts.length > 0 && now - this.attempts[0]! >= this.windowMillis) this.attempts.shift()
    if (this.attempts.length >= this.limit) return this.attempts[0]! + this.windowMillis - now
    this.attempts.push(now)
    return 0
  }
}
