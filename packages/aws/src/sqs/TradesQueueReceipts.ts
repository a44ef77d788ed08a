/**
 * How the trades queue and its pipe hand out a batch: how long each receipt lasts, and how many
 * receipts a batch gets before the dead-letter queue. The stage declares its queue and pipe with
 * these (stacks/market.ts); the tests that fail a processor for hours count receipts with them.
 */
/**
 * Under `sst dev` the pipe invokes stubs that forward to this machine, and fail while no `sst dev`
 * runs: every failed try is a receipt. SQS's highest count (1,000 receipts, one per visibility
 * timeout of 6 minutes, about four days) outlasts the queue's four days of retention, so trades
 * queued when a dev session stops wait for the next one instead of going to the dead-letter
 * queue. Pipes offers nothing better: a pipe cannot hold messages while its target is away, and
 * nothing stops it when a dev session ends.
 */
export const DEV_MAX_RECEIVES = 1_000
/** At most this many messages per pipe invocation: FIFO sources allow 10. */
export const PIPE_BATCH_SIZE = 10
/** Each of the pipe's two functions may run this long. */
export const PIPE_FUNCTION_TIMEOUT_SECONDS = 60
/**
 * AWS's guidance for SQS sources (Lambda's event source mappings, which Pipes' SQS polling
 * follows) is a visibility timeout of at least six times the function timeout: a message must
 * not reappear, and be received a second time out of order, while an execution that holds it
 * can still be running, throttled or retried. One execution here is enrichment then processor,
 * at most 2 × 60 s, and Pipes caps a synchronous execution at 5 minutes; 6 × 60 s = 6 minutes
 * covers both.
 */
export const VISIBILITY_TIMEOUT_SECONDS = 6 * PIPE_FUNCTION_TIMEOUT_SECONDS

/**
 * How long the trades queue keeps a batch through processor failures before the dead-letter
 * queue: at least two hours of outage, one receipt per visibility timeout. A poison batch holds
 * its message group that long too, paged after its first failure (the pipe's partial-failure
 * alarm) and by the age of the oldest batch.
 */
export const KEPT_THROUGH_OUTAGE_MINUTES = 120
export const MAX_RECEIVES = Math.ceil((KEPT_THROUGH_OUTAGE_MINUTES * 60) / VISIBILITY_TIMEOUT_SECONDS) + 1
