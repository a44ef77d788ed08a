/**
 * An EventBridge Pipe over an SQS FIFO source, as Pipes documents it, for tests against a real
 * SQS emulator: receive at most 10 messages; hand them, as the records Pipes builds, to the
 * enrichment synchronously; hand its answer to the target; delete what the target did not list
 * in `batchItemFailures`. A failed invocation fails the whole batch. A failed message is received
 * again until the queue's maxReceiveCount sends it to the dead-letter queue. Where Pipes waits
 * out the visibility timeout before a failed message is received again, this poller makes it
 * visible at once: the same receipts, in the same order, without the wait.
 * `deliverTwice` hands every batch over twice before deleting it, as an at-least-once source may.
 * `outagePolls` fails that many first polls whole, as a processor that is down: each such poll is
 * one visibility timeout of outage for the messages it received.
 */
import { createHash } from "node:crypto"
import { ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs"
import { Schema } from "effect"

export interface PipeStages {
  readonly enrichment: (records: ReadonlyArray<unknown>) => Promise<unknown>
  readonly target: (items: unknown) => Promise<unknown>
}

const BatchItemFailures = Schema.Struct({ batchItemFailures: Schema.Array(Schema.Struct({ itemIdentifier: Schema.String })) })

/** An SQS message as a pipe hands it to its enrichment. */
export const pipeRecord = (queueArn: string) => (m: Message) => ({
  messageId: m.MessageId ?? "",
  receiptHandle: m.ReceiptHandle ?? "",
  body: m.Body ?? "",
  attributes: m.Attributes ?? {},
  // As Pipes hands them on: camel-cased, each with its string value and type.
  messageAttributes: Object.fromEntries(
    Object.entries(m.MessageAttributes ?? {}).map(([name, a]) => [name, { stringValue: a.StringValue, dataType: a.DataType }])
  ),
  md5OfBody: createHash("md5")
    .update(m.Body ?? "")
    .digest("hex"),
  eventSource: "aws:sqs",
  eventSourceARN: queueArn,
  awsRegion: "ap-northeast-1"
})

export interface PipeStats {
  invocations: number
  failedInvocations: number
  failedMessages: number
  deleted: number
  polls: number
  /** The most receipts a message had when it was finally processed. */
  mostReceipts: number
}

export const startPipe = (
  sqs: SQSClient,
  queueUrl: string,
  queueArn: string,
  stages: PipeStages,
  options: { readonly deliverTwice: boolean; readonly outagePolls?: number }
) => {
  const stats: PipeStats = { invocations: 0, failedInvocations: 0, failedMessages: 0, deleted: 0, polls: 0, mostReceipts: 0 }
  const down = () => stats.polls <= (options.outagePolls ?? 0)
  const invoke = async (records: ReadonlyArray<unknown>): Promise<ReadonlySet<string> | "all"> => {
    stats.invocations++
    try {
      const enriched = await stages.enrichment(records)
      const answer = Schema.decodeUnknownSync(BatchItemFailures)(await stages.target(enriched))
      return new Set(answer.batchItemFailures.map((f) => f.itemIdentifier))
    } catch {
      stats.failedInvocations++
      return "all"
    }
  }
  /** One poll: what it received, and which of those failed. */
  const pollOnce = async (): Promise<number> => {
    const page = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
        WaitTimeSeconds: 0
      })
    )
    const messages = page.Messages ?? []
    if (messages.length === 0) return 0
    stats.polls++
    const records = messages.map(pipeRecord(queueArn))
    let failed: ReadonlySet<string> | "all" = "all"
    if (down()) stats.failedInvocations++
    else failed = await invoke(records)
    if (options.deliverTwice && failed !== "all") {
      const again = await invoke(records)
      failed = again === "all" ? "all" : new Set([...failed, ...again])
    }
    const isFailed = (m: Message) => failed === "all" || failed.has(m.MessageId ?? "")
    const done = messages.filter((m) => !isFailed(m))
    const retry = messages.filter(isFailed)
    stats.failedMessages += retry.length
    if (done.length > 0) {
      stats.mostReceipts = Math.max(stats.mostReceipts, ...done.map((m) => Number(m.Attributes?.["ApproximateReceiveCount"] ?? 0)))
      await sqs.send(
        new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? "" })) })
      )
      stats.deleted += done.length
    }
    if (retry.length > 0) {
      await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: retry.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? "", VisibilityTimeout: 0 }))
        })
      )
    }
    return messages.length
  }
  /** Polls until the queue has been empty for `quietPolls` polls in a row; bounded by `maxPolls`. */
  const drain = async (quietPolls = 3, maxPolls = 5_000) => {
    let quiet = 0
    for (let poll = 0; poll < maxPolls && quiet < quietPolls; poll++) quiet = (await pollOnce()) === 0 ? quiet + 1 : 0
    return quiet >= quietPolls
  }
  return { stats, pollOnce, drain }
}
