/**
 * Ctrl-C or SIGTERM interrupts a command, which then stops in order (the runtime processes what is
 * queued for a few seconds, closes its stores). A second Ctrl-C, or a stop still under way after
 * 5 s, ends the process at once: every store is safe to leave at any point (SQLite's journal, the
 * durable queue, the backfill's ledger), so nothing is lost but the wait. One Ctrl-C can arrive
 * twice (from the terminal to the whole process group, and forwarded by npm): a repeat within a
 * quarter of a second is that, not a second Ctrl-C.
 */
import { writeSync } from "node:fs"
import { Effect } from "effect"

const PATIENCE_MILLIS = 5_000
const ONE_SIGNAL_MILLIS = 250

/** The shell's code for a process ended by the signal: 128 + its number. */
const exitCode = (signal: NodeJS.Signals) => (signal === "SIGTERM" ? 143 : 130)

const exitNow = (why: string, signal: NodeJS.Signals) => {
  writeSync(2, `blockchaincore: ${why}; what was queued stays for the next start\n`)
  process.exit(exitCode(signal))
}

/** Installed for the command's life, beside effect's own handler (which interrupts on the first signal). */
export const hardStop = Effect.acquireRelease(
  Effect.sync(() => {
    let first: number | undefined
    let patience: NodeJS.Timeout | undefined
    const onSignal = (signal: NodeJS.Signals) => {
      const now = performance.now()
      if (first === undefined) {
        first = now
        patience = setTimeout(() => exitNow(`still stopping after ${PATIENCE_MILLIS / 1000} s: stopped at once`, signal), PATIENCE_MILLIS).unref()
      } else if (now - first > ONE_SIGNAL_MILLIS) {
        exitNow("stopped at once (a second signal)", signal)
      }
    }
    process.on("SIGINT", onSignal)
    process.on("SIGTERM", onSignal)
    return { patience: () => patience }
  }),
  // The handlers stay to the end: a signal arriving after the stop has finished but before the
  // process has exited would otherwise meet Node's default action and end it without its code.
  ({ patience }) => Effect.sync(() => clearTimeout(patience()))
)
