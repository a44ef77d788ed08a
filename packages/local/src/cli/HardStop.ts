/**
 * Ctrl-C or SIGTERM interrupts a command, which then stops in order (the runtime processes what is
 * queued for a few seconds, closes its stores). A second Ctrl-C, or a stop still under way after
 * 5 s, ends the process at once: every store is safe to leave at any point (SQLite's journal, the
 * durable queue, the backfill's ledger), so nothing is lost but the wait.
 */
import { writeSync } from "node:fs"
import { Effect } from "effect"

const PATIENCE_MILLIS = 5_000

const exitNow = (why: string) => {
  writeSync(2, `blockchaincore: ${why}; what was queued stays for the next start\n`)
  process.exit(130)
}

/** Installed for the command's life, beside effect's own handler (which interrupts on the first signal). */
export const hardStop = Effect.acquireRelease(
  Effect.sync(() => {
    let signals = 0
    const onSignal = () => {
      if (++signals > 1) exitNow("stopped at once (a second signal)")
      else setTimeout(() => exitNow(`still stopping after ${PATIENCE_MILLIS / 1000} s: stopped at once`), PATIENCE_MILLIS).unref()
    }
    process.on("SIGINT", onSignal)
    process.on("SIGTERM", onSignal)
    return onSignal
  }),
  (onSignal) =>
    Effect.sync(() => {
      process.off("SIGINT", onSignal)
      process.off("SIGTERM", onSignal)
    })
)
