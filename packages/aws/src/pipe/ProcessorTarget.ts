/**
 * The pipe's target: enriched items in, candles stored, trades staged, events on the bus; out,
 * the messages that failed, for the pipe to leave on the queue (FifoPartialBatch.ts: a failure
 * fails the rest of its message group; a malformed item fails alone). Redelivery is safe: the
 * processor is idempotent per trade id.
 * The invocation's trades are staged for the archive first, in one object: if that fails, every
 * item fails before any state moved; if an item fails later, its redelivery stages its trades
 * again, and compaction takes each trade once.
 */
import { Effect, Schema } from "effect"
import { process } from "@blockchaincore/pipeline/Pipeline"
import type { TraceParent } from "@blockchaincore/core/tracing/TraceParent"
import { TradeStaging } from "@blockchaincore/core/ports/TradeStaging"
import type { EnrichedTradeBatch } from "@blockchaincore/core/trade/EnrichedTradeBatch"
import { archivedTradesOf, type Processor } from "@blockchaincore/services/processor/Processor"
import { reportMalformed } from "../runtime/MalformedInput.ts"
import { type FifoRecord, processFifoPartially } from "./FifoPartialBatch.ts"
import { oneLine } from "@blockchaincore/core/errors/errorMessage"
import { type BatchItemFailures, PipeBatch, PipeItem } from "./PipePayload.ts"
import { MalformedPayload } from "../runtime/HandlerErrors.ts"

const MessageId = Schema.Struct({ messageId: Schema.NonEmptyString, group: Schema.optionalKey(Schema.String) })

/** An item as the FIFO processing sees it: enriched, or why it is not. */
type Item =
  | { readonly _tag: "Enriched"; readonly batch: EnrichedTradeBatch; readonly traceparent: TraceParent | undefined }
  | { readonly _tag: "Malformed"; readonly reason: string }

export const processItems = Effect.fn("processItems")(function* (event: unknown) {
  const raw = yield* Schema.decodeUnknownEffect(PipeBatch)(event).pipe(
    Effect.mapError((e) => new MalformedPayload({ message: `the pipe's target payload is not a list: ${oneLine(e)}` }))
  )
  const context = yield* Effect.context<Processor>()
  const staging = yield* TradeStaging
  const records: Array<FifoRecord<Item>> = []
  for (const [index, entry] of raw.entries()) {
    const decoded = Schema.decodeUnknownResult(PipeItem)(entry)
    if (decoded._tag === "Success") {
      const item = decoded.success
      records.push({
        id: item.messageId,
        group: item.group,
        item: "enriched" in item ? { _tag: "Enriched", batch: item.enriched, traceparent: item.traceparent } : { _tag: "Malformed", reason: item.malformed }
      })
      continue
    }
    const id = Schema.decodeUnknownResult(MessageId)(entry)
    // Without a messageId the pipe cannot be told which message this was: fail the invocation.
    if (id._tag === "Failure")
      return yield* Effect.fail(new MalformedPayload({ message: `item ${index} of the pipe's batch has no messageId: ${oneLine(decoded.failure)}` }))
    const reason = `message ${id.success.messageId} (item ${index}): not an enriched batch: ${oneLine(decoded.failure)}`
    yield* reportMalformed("processor", reason)
    records.push({ id: id.success.messageId, group: id.success.group ?? "", item: { _tag: "Malformed", reason } })
  }
  const trades = records.flatMap((r) => (r.item._tag === "Enriched" ? archivedTradesOf(r.item.batch) : []))
  const staged = yield* Effect.result(staging.stage(trades))
  if (staged._tag === "Failure") {
    yield* Effect.logError(`staging the invocation's trades failed, every message will be redelivered: ${staged.failure.message}`)
    return { batchItemFailures: records.map((r) => ({ itemIdentifier: r.id })) } satisfies BatchItemFailures
  }
  const failed = yield* processFifoPartially(records, ({ item }) =>
    item._tag === "Malformed"
      ? Effect.fail({ alone: true, message: item.reason })
      : process(item.batch, item.traceparent).pipe(
          Effect.provideContext(context),
          Effect.mapError((e) => ({ alone: false, message: `${e._tag}: ${e.message}` }))
        )
  )
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) } satisfies BatchItemFailures
})
