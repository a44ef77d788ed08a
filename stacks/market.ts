/// <reference path="../.sst/platform/config.d.ts" />
/**
 * The market's way in: the trades queue (SQS FIFO, one message group per shard, SQS-managed
 * encryption) with its dead-letter queue, and the EventBridge Pipe that reads it in order, hands
 * each batch of messages to the enrichment function and its answer to the processor function.
 * The pipe's role may read and delete messages of this queue and invoke these two functions,
 * nothing else. The processor reports failed messages; after `MAX_RECEIVES` receipts a message
 * moves to the dead-letter queue (and the ops alarm fires).
 */
import type { Events } from "./events.ts"
import { baseFunction, HANDLERS, withDuckDb } from "./functions.ts"
import type { Storage } from "./storage.ts"

export const MAX_RECEIVES = 5
/** At most this many messages per pipe invocation: FIFO sources allow 10. */
export const PIPE_BATCH_SIZE = 10

export const market = (storage: Storage, events: Events) => {
  const encrypted = { sqsManagedSseEnabled: true }
  const deadLetter = new sst.aws.Queue("TradesDeadLetter", {
    fifo: true,
    transform: { queue: { ...encrypted, messageRetentionSeconds: 14 * 24 * 3600 } }
  })
  const queue = new sst.aws.Queue("Trades", {
    // The producer sends a content-derived deduplication id, so content-based deduplication is off.
    fifo: { contentBasedDeduplication: false },
    // Longer than enrichment and processor together may take, so a message in flight is not received twice.
    visibilityTimeout: "3 minutes",
    dlq: { queue: deadLetter.arn, retry: MAX_RECEIVES },
    transform: { queue: { ...encrypted, messageRetentionSeconds: 4 * 24 * 3600 } }
  })

  const enrichment = new sst.aws.Function("Enrichment", {
    ...baseFunction,
    handler: `${HANDLERS}/enrichment.handler`,
    description: "Pipe enrichment: decodes trade batches, drops trades already applied, adds instruments and large-trade flags",
    timeout: "1 minute",
    link: [storage.candles, storage.engineState]
  })
  const processor = new sst.aws.Function("Processor", {
    ...baseFunction,
    ...withDuckDb,
    handler: `${HANDLERS}/processor.handler`,
    description: "Pipe target: candles from trades, stored; trades staged for the archive; domain events on the bus",
    timeout: "1 minute",
    link: [storage.candles, storage.engineState, storage.archive, events.bus]
  })

  const role = new aws.iam.Role("TradesPipeRole", {
    assumeRolePolicy: aws.iam.getPolicyDocumentOutput({
      statements: [{
        effect: "Allow",
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: ["pipes.amazonaws.com"] }],
        conditions: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [aws.getCallerIdentityOutput().accountId] }]
      }]
    }).json
  })
  const policy = new aws.iam.RolePolicy("TradesPipePolicy", {
    role: role.id,
    policy: aws.iam.getPolicyDocumentOutput({
      statements: [
        { effect: "Allow", actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], resources: [queue.arn] },
        { effect: "Allow", actions: ["lambda:InvokeFunction"], resources: [enrichment.arn, processor.arn] }
      ]
    }).json
  })
  const pipe = new aws.pipes.Pipe(
    "TradesPipe",
    {
      roleArn: role.arn,
      source: queue.arn,
      sourceParameters: { sqsQueueParameters: { batchSize: PIPE_BATCH_SIZE } },
      enrichment: enrichment.arn,
      target: processor.arn,
      targetParameters: { lambdaFunctionParameters: { invocationType: "REQUEST_RESPONSE" } },
      desiredState: "RUNNING"
    },
    { dependsOn: [policy] }
  )

  return { queue, deadLetter, enrichment, processor, pipe, role, policy }
}

export type Market = ReturnType<typeof market>
