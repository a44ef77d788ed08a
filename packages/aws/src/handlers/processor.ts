/**
 * The pipe's target: enriched items in, candles stored, trades staged, events on the bus; out,
 * the messages that failed, for the pipe to leave on the queue. A malformed item fails alone. An
 * item that fails to process fails with every later item of its message group (shard), which
 * keeps each shard's order; items of other groups go on. Redelivery is safe: the processor is
 * idempotent per trade id.
 * The invocation's trades are staged for the archive first, in one object: if that fails, every
 * item fails before any state moved; if an item fails later, its redelivery stages its trades
 * again, and compaction takes each trade once.
 */
import { Effect, Layer, ManagedRuntime, Schema } from "effect"
import { TradeStaging } from "@blockchaincore/core/ports/TradeStaging"
import { archivedTradesOf, DEFAULT_ENGINE, Processor } from "@blockchaincore/services/processor/Processor"
import { type BatchItemFailures, oneLine, PipeBatch, PipeItem } from "../pipe/PipePayload.ts"
import { candleStoreLayer, eventBusLayer, tradeStagingLayer } from "../runtime/AwsLayers.ts"
import { reportMalformed } from "../runtime/MalformedInput.ts"

const MessageId = Schema.Struct({ messageId: Schema.NonEmptyString, group: Schema.optionalKey(Schema.String) })

export const processItems = (event: unknown) =>
  Effect.gen(function*() {
    const items = yield* Schema.decodeUnknownEffect(PipeBatch)(event).pipe(
      Effect.mapError((e) => new Error(`the pipe's target payload is not a list: ${oneLine(e)}`))
    )
    const processor = yield* Processor
    const staging = yield* TradeStaging
    const decoded = items.map((raw) => ({ raw, item: Schema.decodeUnknownResult(PipeItem)(raw) }))
    const staged = yield* staging.stage(decoded.flatMap(({ item }) => (item._tag === "Success" && "enriched" in item.success ? archivedTradesOf(item.success.enriched) : []))).pipe(Effect.result)
    if (staged._tag === "Failure") {
      yield* Effect.logError(`staging the invocation's trades failed, every message will be redelivered: ${staged.failure.message}`)
      const ids = decoded.flatMap(({ raw }) => {
        const id = Schema.decodeUnknownResult(MessageId)(raw)
        return id._tag === "Success" ? [{ itemIdentifier: id.success.messageId }] : []
      })
      return { batchItemFailures: ids } satisfies BatchItemFailures
    }
    const failed: Array<string> = []
    const stoppedGroups = new Set<string>()
    for (const [index, { raw, item }] of decoded.entries()) {
      if (item._tag === "Failure") {
        const id = Schema.decodeUnknownResult(MessageId)(raw)
        if (id._tag === "Failure") return yield* Effect.fail(new Error(`item ${index} of the pipe's batch has no messageId: ${oneLine(item.failure)}`))
        yield* reportMalformed("processor", `message ${id.success.messageId} (item ${index}): not an enriched batch: ${oneLine(item.failure)}`)
        failed.push(id.success.messageId)
        continue
      }
      const { messageId, group } = item.success
      if (stoppedGroups.has(group)) {
        failed.push(messageId)
        continue
      }
      if ("malformed" in item.success) {
        failed.push(messageId)
        continue
      }
      const outcome = yield* processor.process(item.success.enriched).pipe(Effect.result)
      if (outcome._tag === "Failure") {
        yield* Effect.logError(`message ${messageId} (group ${group}) failed, it and the rest of its group will be redelivered: ${outcome.failure._tag}: ${outcome.failure.message}`)
        stoppedGroups.add(group)
        failed.push(messageId)
      }
    }
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) } satisfies BatchItemFailures
  })

const runtime = ManagedRuntime.make(Processor.layer(DEFAULT_ENGINE, "by-caller").pipe(Layer.provideMerge(Layer.mergeAll(candleStoreLayer, eventBusLayer, tradeStagingLayer))))

export const handler = (event: unknown): Promise<BatchItemFailures> => runtime.runPromise(processItems(event))
