/**
 * The producer as every entry point runs it (the local runtime, `blockchaincore produce`, the
 * Fargate task), composed once: each symbol resumed where the processor's stored state stands,
 * and the gaps that state holds read again every 10 minutes (a batch lost after it was sent), when
 * the entry point gives it the processor's state (`states`); from the live edge otherwise.
 * An entry point picks only the layers (where batches go, the bus, the journal, the one REST
 * client, the state store) and what it shows while the producer runs.
 */
import { Effect } from "effect"
import type { EngineStateStore } from "@blockchaincore/core/ports/EngineStateStore"
import type { BatcherOptions } from "./batching/Batcher.ts"
import type { CompletenessOptions } from "./completeness/SilentSymbols.ts"
import { producerConfig, runProducer, STORED_GAPS_EVERY_MILLIS } from "./Producer.ts"
import { resumePoints, storedGaps } from "./resume/ResumePoints.ts"

export interface ProducerRun {
  readonly symbols: ReadonlyArray<string>
  readonly wsUrl: string
  readonly batcher?: BatcherOptions
  /** The trades' times are a recording's (a replay). */
  readonly recorded?: boolean
  readonly completeness?: CompletenessOptions
  /** The processor's stored state, to resume from; undefined where no processor runs (`produce`, the bench). */
  readonly states: EngineStateStore["Service"] | undefined
}

export const runResumedProducer = Effect.fnUntraced(function* (run: ProducerRun) {
  const states = run.states
  const resumed =
    states === undefined
      ? {}
      : { ...(yield* resumePoints(states, run.symbols)), storedGaps: { read: storedGaps(states, run.symbols), everyMillis: STORED_GAPS_EVERY_MILLIS } }
  return yield* runProducer(
    producerConfig(run.symbols, run, {
      ...resumed,
      ...(run.batcher === undefined ? {} : { batcher: run.batcher }),
      ...(run.recorded === undefined ? {} : { recorded: run.recorded }),
      ...(run.completeness === undefined ? {} : { completeness: run.completeness })
    })
  )
})
