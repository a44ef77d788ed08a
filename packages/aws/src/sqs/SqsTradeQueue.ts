/**
 * The trades queue on AWS: an SQS FIFO queue. Batches go out with SendMessageBatch (at most 10
 * entries and 256 KiB a request), in order; the message group is the batch's shard, so one
 * shard's batches stay in order; bodies are compressed (MessageBody.ts); the deduplication id derives from the batch's content, so a
 * batch sent twice within SQS's five minutes is taken once. Throttling and failed entries are
 * retried with backoff; only a queue that stays unreachable is `QueueUnavailable`.
 */
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, type SQSClient } from "@aws-sdk/client-sqs"
import { Effect, Layer } from "effect"
import { QueueUnavailable, TradeQueue } from "@blockchaincore/core/ports/TradeQueue"
import { type Outcome, sendUntilTaken } from "../retry/RetryFailed.ts"
import type { TradeBatch } from "@blockchaincore/core/trade/TradeBatch"
import { deduplicationId } from "./DeduplicationId.ts"
import { chunksOf } from "@blockchaincore/adapters/chunks/chunksOf"
import { encodeMessageBody } from "./MessageBody.ts"

interface SqsTradeQueueOptions {
  readonly client: SQSClient
  readonly queueUrl: string
  readonly maxAttempts: number
  readonly baseDelayMillis: number
}

const MAX_ENTRIES = 10
const MAX_REQUEST_BYTES = 262_144

/** The message attribute a batch's trace context travels in. */
export const TRACEPARENT_ATTRIBUTE = "traceparent"

/** An entry's size as SQS counts it against 256 KiB: its body and its attributes' names, types and values. */
const sqsSize = (e: SendMessageBatchRequestEntry) =>
  Buffer.byteLength(e.MessageBody ?? "") +
  Object.entries(e.MessageAttributes ?? {}).reduce(
    (n, [name, a]) => n + Buffer.byteLength(name) + Buffer.byteLength(a.DataType ?? "") + Buffer.byteLength(a.StringValue ?? ""),
    0
  )

/**
 * A batch's message group: its symbol, when it holds one (the producer on AWS gives every symbol
 * a shard of its own), so a batch that keeps failing holds back only its own symbol, at any number
 * of symbols, and a symbol keeps its group whatever the others are; a shard's otherwise.
 */
export const messageGroupOf = (batch: TradeBatch): string => {
  const [only, ...others] = batch.symbols
  return only !== undefined && others.length === 0 ? only.symbol : `shard-${batch.shard}`
}

/** Entries in request-sized groups, order kept. */
const requestsOf = (batches: ReadonlyArray<TradeBatch>): Array<Array<SendMessageBatchRequestEntry>> => {
  const entries = batches.map((batch, i): SendMessageBatchRequestEntry => {
    const body = encodeMessageBody(batch)
    const size = Buffer.byteLength(body)
    if (size > MAX_REQUEST_BYTES) throw new Error(`a TradeBatch of ${size} bytes is over SQS's limit: the batcher must split it`)
    const entry = { Id: String(i), MessageBody: body, MessageGroupId: messageGroupOf(batch), MessageDeduplicationId: deduplicationId(batch) }
    // The trace travels beside the body, as a message attribute: an untraced batch's message is unchanged.
    return batch.traceparent === undefined
      ? entry
      : { ...entry, MessageAttributes: { [TRACEPARENT_ATTRIBUTE]: { DataType: "String", StringValue: batch.traceparent } } }
  })
  return chunksOf(entries, { count: MAX_ENTRIES, bytes: MAX_REQUEST_BYTES, sizeOf: sqsSize })
}

const sendAll = (options: SqsTradeQueueOptions, entries: ReadonlyArray<SendMessageBatchRequestEntry>): Effect.Effect<void, QueueUnavailable> =>
  sendUntilTaken(
    options,
    entries,
    async (pending): Promise<Outcome<SendMessageBatchRequestEntry>> => {
      const result = await options.client.send(new SendMessageBatchCommand({ QueueUrl: options.queueUrl, Entries: [...pending] }))
      const failed = result.Failed ?? []
      const permanent = failed.find((f) => f.SenderFault === true)
      if (permanent !== undefined) return { _tag: "Refused", reason: `SQS refused a batch: ${permanent.Code} ${permanent.Message ?? ""}` }
      const failedIds = new Set(failed.map((f) => f.Id))
      const again = pending.filter((e) => failedIds.has(e.Id))
      return again.length === 0 ? { _tag: "Done" } : { _tag: "Retry", failed: again, reason: `${failed.length} entries failed (${failed[0]?.Code ?? "?"})` }
    },
    (reason) => new QueueUnavailable({ message: reason.startsWith("SQS") ? reason : `SQS: ${reason}` })
  )

export const makeSqsTradeQueue = (options: SqsTradeQueueOptions): TradeQueue["Service"] =>
  TradeQueue.of({
    publish: (batches) => Effect.forEach(requestsOf(batches), (entries) => sendAll(options, entries), { discard: true })
  })

export const layerSqsTradeQueue = (options: SqsTradeQueueOptions): Layer.Layer<TradeQueue> => Layer.succeed(TradeQueue, makeSqsTradeQueue(options))
