/**
 * The producer's heartbeat for the container health check. The running producer rewrites a small
 * file every few seconds; the health check (healthcheck.ts) reads it. A file that stops changing
 * means the program is stuck; a producer with no stream connection for longer than
 * `DISCONNECTED_LIMIT_MILLIS` is unhealthy too, so ECS replaces the task (a new task also gets a
 * new public address, which is what helps when Binance refuses this one).
 */
import { Schema } from "effect"

export const Heartbeat = Schema.Struct({
  /** When the file was written (ms since the epoch). */
  at: Schema.Number,
  /** When a stream connection was last seen up, 0 before the first. */
  connectedAt: Schema.Number,
  /** When the producer started: before the first connection, the grace runs from here. */
  startedAt: Schema.Number
})
export type Heartbeat = typeof Heartbeat.Type

export const HEARTBEAT_EVERY_MILLIS = 5_000
/** A heartbeat older than this: the program has stopped beating. */
const STALE_AFTER_MILLIS = 30_000
/** The producer's reconnect backoff is capped well below this. */
const DISCONNECTED_LIMIT_MILLIS = 3 * 60_000

type Verdict = { readonly healthy: true } | { readonly healthy: false; readonly reason: string }

export const judge = (beat: Heartbeat, now: number): Verdict => {
  if (now - beat.at > STALE_AFTER_MILLIS) return { healthy: false, reason: `no heartbeat for ${Math.round((now - beat.at) / 1000)} s` }
  const since = Math.max(beat.connectedAt, beat.startedAt)
  if (now - since > DISCONNECTED_LIMIT_MILLIS) return { healthy: false, reason: `no stream connection for ${Math.round((now - since) / 1000)} s` }
  return { healthy: true }
}

export const encodeHeartbeat = Schema.encodeSync(Schema.fromJsonString(Heartbeat))
const decodeHeartbeat = Schema.decodeUnknownResult(Schema.fromJsonString(Heartbeat))

/** The health check's verdict on the heartbeat file as read (or why it could not be), at `now`. */
export const verdictOnFile = (file: string, read: { readonly text: string } | { readonly missing: string }, now: number): Verdict => {
  if ("missing" in read) return { healthy: false, reason: `no heartbeat file ${file}: ${read.missing}` }
  const beat = decodeHeartbeat(read.text)
  return beat._tag === "Failure" ? { healthy: false, reason: `heartbeat file ${file}: ${beat.failure.message}` } : judge(beat.success, now)
}
