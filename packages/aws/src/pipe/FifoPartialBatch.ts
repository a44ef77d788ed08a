/**
 * Partial batch failure for an SQS FIFO source, after AWS Powertools' `SqsFifoPartialProcessor`:
 * records are processed in order; once a record of a message group fails, the rest of that group
 * fails unprocessed (SQS would otherwise hand them on out of order), while the other groups go
 * on. A failure that says so fails alone (a message that can never be processed must not hold
 * its group back). The ids that failed are what the pipe is told to leave on the queue.
 */
import { Effect } from "effect"

export interface FifoRecord<A> {
  readonly id: string
  readonly group: string
  readonly item: A
}

interface FifoFailure {
  /** This record fails, its group goes on. */
  readonly alone: boolean
  readonly message: string
}

export const processFifoPartially = <A, R>(
  records: ReadonlyArray<FifoRecord<A>>,
  process: (record: FifoRecord<A>) => Effect.Effect<void, FifoFailure, R>
): Effect.Effect<Array<string>, never, R> =>
  Effect.gen(function* () {
    const failed: Array<string> = []
    const stopped = new Set<string>()
    for (const record of records) {
      if (stopped.has(record.group)) {
        failed.push(record.id)
        continue
      }
      const outcome = yield* Effect.result(process(record))
      if (outcome._tag === "Success") continue
      failed.push(record.id)
      if (outcome.failure.alone) continue
      stopped.add(record.group)
      yield* Effect.logError(
        `message ${record.id} (group ${record.group}) failed, it and the rest of its group will be redelivered: ${outcome.failure.message}`
      )
    }
    return failed
  })
