/**
 * Replays bus events that a consumer failed: each message of the `ConsumerFailures` queue is
 * either a Lambda on-failure record (the event under `requestPayload`, the function under
 * `requestContext.functionArn`) or an event the bus could not deliver (the event itself, the
 * function in the `TARGET_ARN` attribute). Each is invoked again, asynchronously, on the function
 * that failed it, and only then deleted; a message that is neither stays on the queue and is
 * reported. Consumers are idempotent by event id, so a replay of an event that did get through
 * changes nothing.
 */
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs"
import { Context, Effect, Schema } from "effect"
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"

export class InvokeFailed extends Schema.TaggedError<InvokeFailed>()("InvokeFailed", { message: Schema.String }) {}
export class FailureQueueUnavailable extends Schema.TaggedError<FailureQueueUnavailable>()("FailureQueueUnavailable", { message: Schema.String }) {}

/** Starts a function asynchronously with an event (Lambda's `Event` invocation). */
export class FunctionInvoker extends Context.Service<
  FunctionInvoker,
  {
    readonly invoke: (functionArn: string, event: unknown) => Effect.Effect<void, InvokeFailed>
  }
>()("scripts/ops/FunctionInvoker") {}

const FailureRecord = Schema.Struct({
  requestContext: Schema.Struct({ functionArn: Schema.String.check(Schema.isStartingWith("arn:aws:lambda:")) }),
  requestPayload: Schema.Unknown
})
const BusEvent = Schema.Struct({ id: Schema.String, source: Schema.String, "detail-type": Schema.String, detail: Schema.Unknown })

export type Redrivable = { readonly functionArn: string; readonly event: unknown }

/** What a failure-queue message asks to replay, or why it cannot be replayed. */
export const redrivableOf = (body: string, targetArn: string | undefined): Redrivable | { readonly problem: string } => {
  const json = Schema.decodeUnknownResult(Schema.fromJsonString(Schema.Unknown))(body)
  if (json._tag === "Failure") return { problem: "the body is not JSON" }
  const record = Schema.decodeUnknownResult(FailureRecord)(json.success)
  if (record._tag === "Success") {
    // Lambda qualifies the ARN with the version it ran ($LATEST): invoke the function itself.
    const functionArn = record.success.requestContext.functionArn.split(":").slice(0, 7).join(":")
    return { functionArn, event: record.success.requestPayload }
  }
  const event = Schema.decodeUnknownResult(BusEvent)(json.success)
  if (event._tag === "Success") {
    if (targetArn === undefined || !targetArn.startsWith("arn:aws:lambda:"))
      return { problem: "an undelivered bus event without a Lambda TARGET_ARN attribute" }
    return { functionArn: targetArn, event: json.success }
  }
  return { problem: `neither a Lambda failure record nor a bus event: ${record.failure.message}` }
}

export interface RedriveReport {
  readonly replayed: number
  readonly kept: ReadonlyArray<string>
}

/** An SQS call, its failure the queue's, named by what it was doing. */
export const sqsCall = <A>(what: string, run: () => Promise<A>) =>
  Effect.tryPromise({ try: run, catch: (e) => new FailureQueueUnavailable({ message: `${what}: ${errorMessage(e)}` }) })

/** Drains the queue once: every message is looked at once; a kept message seen again ends the run. */
export const redrive = (sqs: SQSClient, queueUrl: string, visibilitySeconds = 300) =>
  Effect.gen(function* () {
    const invoker = yield* FunctionInvoker
    let replayed = 0
    const kept: Array<string> = []
    const seen = new Set<string>()
    for (;;) {
      const page = yield* sqsCall("receive", () =>
        sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 0,
            VisibilityTimeout: visibilitySeconds,
            MessageAttributeNames: ["All"]
          })
        )
      )
      const messages = (page.Messages ?? []).filter((m) => m.MessageId !== undefined && !seen.has(m.MessageId))
      if (messages.length === 0) return { replayed, kept } satisfies RedriveReport
      for (const message of messages) {
        const id = message.MessageId ?? "?"
        seen.add(id)
        const what = redrivableOf(message.Body ?? "", message.MessageAttributes?.["TARGET_ARN"]?.StringValue)
        if ("problem" in what) {
          kept.push(`${id}: ${what.problem}`)
          continue
        }
        const invoked = yield* invoker.invoke(what.functionArn, what.event).pipe(Effect.result)
        if (invoked._tag === "Failure") {
          kept.push(`${id}: ${invoked.failure.message}`)
          continue
        }
        yield* sqsCall("delete", () => sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle })))
        replayed++
      }
    }
  })
