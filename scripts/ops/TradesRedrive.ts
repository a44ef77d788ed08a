/**
 * Trade batches the trades queue gave up on (its dead-letter queue: two hours of failed
 * processing), sent back to it once the cause is fixed: each in its message group, in the order
 * the group had them, and deleted from the dead-letter queue only once sent. A message that is
 * not a trade batch stays, named. The processor applies each trade once, so a batch that did get
 * through before changes nothing.
 */
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs"
import { Effect, Schema } from "effect"
import { oneLine } from "@blockchaincore/core/errors/errorMessage"
import { TradeBatchFromMessageBody } from "@blockchaincore/aws/sqs/MessageBody"
import { messageGroupOf } from "@blockchaincore/aws/sqs/SqsTradeQueue"
import { deduplicationId } from "@blockchaincore/aws/sqs/DeduplicationId"
import { type RedriveReport, sqsCall } from "./Redrive.ts"

const decodeBatch = Schema.decodeUnknownResult(TradeBatchFromMessageBody)

/** Drains the dead-letter queue once into the trades queue; a kept message seen again ends the run. */
export const redriveTrades = (sqs: SQSClient, deadLetterUrl: string, tradesUrl: string, visibilitySeconds = 300) =>
  Effect.gen(function* () {
    const fifo = tradesUrl.endsWith(".fifo")
    let replayed = 0
    const kept: Array<string> = []
    const seen = new Set<string>()
    for (;;) {
      const page = yield* sqsCall("receive from the trades dead-letter queue", () =>
        sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: deadLetterUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 0,
            VisibilityTimeout: visibilitySeconds,
            MessageSystemAttributeNames: ["MessageGroupId", "SequenceNumber"],
            MessageAttributeNames: ["All"]
          })
        )
      )
      const messages = (page.Messages ?? []).filter((m) => m.MessageId !== undefined && !seen.has(m.MessageId))
      if (messages.length === 0) return { replayed, kept } satisfies RedriveReport
      // In each group's order: FIFO hands a group's messages in order, and they are sent one by one.
      for (const message of messages) {
        const id = message.MessageId ?? "?"
        seen.add(id)
        const batch = decodeBatch(message.Body ?? "")
        if (batch._tag === "Failure") {
          kept.push(`${id}: not a trade batch: ${oneLine(batch.failure)}`)
          continue
        }
        const group = message.Attributes?.["MessageGroupId"] ?? messageGroupOf(batch.success)
        yield* sqsCall("send to the trades queue", () =>
          sqs.send(
            new SendMessageCommand({
              QueueUrl: tradesUrl,
              MessageBody: message.Body,
              MessageAttributes: message.MessageAttributes,
              // Hours after the first send, outside SQS's five minutes of deduplication: the content's id again.
              ...(fifo ? { MessageGroupId: group, MessageDeduplicationId: deduplicationId(batch.success) } : {})
            })
          )
        )
        yield* sqsCall("delete from the trades dead-letter queue", () =>
          sqs.send(new DeleteMessageCommand({ QueueUrl: deadLetterUrl, ReceiptHandle: message.ReceiptHandle }))
        )
        replayed++
      }
    }
  })
