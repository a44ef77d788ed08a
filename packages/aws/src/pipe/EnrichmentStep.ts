/**
 * The pipe's enrichment step: SQS records in, one item per record out, in order. A body that
 * is not a TradeBatch becomes a `malformed` item (logged and counted here) so the processor can
 * report that one message failed without failing its neighbours; a store outage fails the whole
 * invocation, and the pipe retries the batch.
 */
import { Clock, Effect, Option, Schema } from "effect"
import { pastHop } from "@blockchaincore/observability/HopTiming"
import { enrich } from "@blockchaincore/pipeline/Pipeline"
import { TraceParent } from "@blockchaincore/core/tracing/TraceParent"
import { TRACEPARENT_ATTRIBUTE } from "../sqs/SqsTradeQueue.ts"
import { EnrichedTradeBatch } from "@blockchaincore/core/trade/EnrichedTradeBatch"
import { reportMalformed } from "../runtime/MalformedInput.ts"
import { oneLine } from "@blockchaincore/core/errors/errorMessage"
import { PipeBatch, type PipeItem, PipeSqsRecord } from "./PipePayload.ts"
import { TradeBatchFromMessageBody } from "../sqs/MessageBody.ts"
import { MalformedPayload } from "../runtime/HandlerErrors.ts"

const encodeEnriched = Schema.encodeSync(EnrichedTradeBatch)
const decodeTraceAttribute = Schema.decodeUnknownOption(
  Schema.Struct({ [TRACEPARENT_ATTRIBUTE]: Schema.optionalKey(Schema.Struct({ stringValue: TraceParent })) })
)
/** SQS's time of receipt, epoch milliseconds as text. */
const decodeSentTimestamp = Schema.decodeUnknownOption(Schema.NumberFromString.check(Schema.isGreaterThan(0)))

export const enrichRecords = Effect.fn("enrichRecords")(function* (event: unknown) {
  const records = yield* Schema.decodeUnknownEffect(PipeBatch)(event).pipe(
    Effect.mapError((e) => new MalformedPayload({ message: `the pipe's enrichment payload is not a list of records: ${oneLine(e)}` }))
  )
  const out: Array<unknown> = []
  for (const [index, raw] of records.entries()) {
    const record = Schema.decodeUnknownResult(PipeSqsRecord)(raw)
    if (record._tag === "Failure") {
      // Without a messageId the pipe cannot be told which message this was: fail the batch.
      return yield* Effect.fail(new MalformedPayload({ message: `record ${index} of the pipe's batch is not an SQS record: ${oneLine(record.failure)}` }))
    }
    const { messageId, body, attributes, messageAttributes } = record.success
    const group = attributes.MessageGroupId ?? ""
    const traceparent = Option.getOrUndefined(decodeTraceAttribute(messageAttributes))?.[TRACEPARENT_ATTRIBUTE]?.stringValue
    const sent = Option.getOrUndefined(decodeSentTimestamp(attributes.SentTimestamp))
    if (sent !== undefined) yield* pastHop("queue", sent, yield* Clock.currentTimeMillis, traceparent)
    const batch = Schema.decodeUnknownResult(TradeBatchFromMessageBody)(body)
    if (batch._tag === "Failure") {
      const reason = `message ${messageId} (record ${index}, group ${group}): body is not a TradeBatch: ${oneLine(batch.failure)}`
      yield* reportMalformed("enrichment", reason)
      out.push({ messageId, group, malformed: reason } satisfies PipeItem)
      continue
    }
    const enriched = yield* enrich(batch.success, traceparent)
    out.push({ messageId, group, enriched: encodeEnriched(enriched), ...(traceparent === undefined ? {} : { traceparent }) })
  }
  return out
})
