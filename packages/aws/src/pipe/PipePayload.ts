/**
 * What travels through the EventBridge Pipe: SQS records in (as the pipe hands them to the
 * enrichment), enriched items out (the enrichment's answer, which the pipe hands to the
 * processor), and the processor's partial-failure report back to the pipe, which leaves the
 * failed messages on the queue for redelivery (and, after the redrive limit, the dead-letter
 * queue) and deletes the rest.
 */
import { Schema } from "effect"
import { EnrichedTradeBatch } from "@blockchaincore/core/trade/EnrichedTradeBatch"
import { TraceParent } from "@blockchaincore/core/tracing/TraceParent"

/** An SQS record as a pipe delivers it; other fields are ignored. */
export const PipeSqsRecord = Schema.Struct({
  messageId: Schema.NonEmptyString,
  body: Schema.String,
  attributes: Schema.Struct({
    MessageGroupId: Schema.optionalKey(Schema.String),
    /** When SQS took the message (epoch ms, as text): the start of the queue's hop. */
    SentTimestamp: Schema.optionalKey(Schema.String)
  }),
  /** The batch's trace context among them, if it is traced (SqsTradeQueue.ts): read on its own (EnrichmentStep.ts), so an odd attribute costs only the trace. */
  messageAttributes: Schema.optionalKey(Schema.Unknown)
})
export type PipeSqsRecord = typeof PipeSqsRecord.Type

/** One message after enrichment: its batch enriched, or why its body could not be read. */
export const PipeItem = Schema.Union([
  Schema.Struct({ messageId: Schema.NonEmptyString, group: Schema.String, enriched: EnrichedTradeBatch, traceparent: Schema.optionalKey(TraceParent) }),
  Schema.Struct({ messageId: Schema.NonEmptyString, group: Schema.String, malformed: Schema.String })
])
export type PipeItem = typeof PipeItem.Type

export interface BatchItemFailures {
  readonly batchItemFailures: ReadonlyArray<{ readonly itemIdentifier: string }>
}

/** A batch as a whole must be a list; its items are decoded one by one so one bad item spares the rest. */
export const PipeBatch = Schema.Array(Schema.Unknown)
