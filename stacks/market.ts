/// <reference path="../.sst/platform/config.d.ts" />
/**
 * The market's way in: the trades queue (SQS FIFO, one message group per shard, SQS-managed
 * encryption) with its dead-letter queue, and the EventBridge Pipe that reads it in order, hands
 * each batch of messages to the enrichment function and its answer to the processor function.
 * The pipe's role may read and delete messages of this queue and invoke these two functions,
 * nothing else. The processor reports failed messages (the pipe's execution then counts as
 * partially failed, which pages ops); after `MAX_RECEIVES` receipts a message moves to the
 * dead-letter queue (and the ops alarm fires).
 */
import type { DeployConfig } from "./config.ts"
import { LIST_SYMBOLS_UP_TO } from "@blockchaincore/binance/rest/RestTicker"
import { tracedEnvironment, tracingGrants } from "./tracing.ts"
import type { Grants } from "./access.ts"
import type { Events } from "./events.ts"
import { baseFunction, HANDLERS, nodejsFor } from "./functions.ts"
import type { Storage } from "./storage.ts"
import { keepOnRemoval } from "./retention.ts"
import {
  DEV_MAX_RECEIVES,
  MAX_RECEIVES,
  PIPE_BATCH_SIZE,
  PIPE_FUNCTION_TIMEOUT_SECONDS,
  VISIBILITY_TIMEOUT_SECONDS
} from "@blockchaincore/aws/sqs/TradesQueueReceipts"

export const market = (storage: Storage, events: Events, grants: Grants, config: Pick<DeployConfig, "tracing" | "symbols">) => {
  const encrypted = { sqsManagedSseEnabled: true }
  const deadLetter = new sst.aws.Queue("TradesDeadLetter", {
    fifo: true,
    transform: {
      queue: (args, opts) => {
        Object.assign(args, encrypted, { messageRetentionSeconds: 14 * 24 * 3600 })
        keepOnRemoval(args, opts)
      }
    }
  })
  const queue = new sst.aws.Queue("Trades", {
    // The producer sends a content-derived deduplication id, so content-based deduplication is off.
    fifo: { contentBasedDeduplication: false },
    visibilityTimeout: `${VISIBILITY_TIMEOUT_SECONDS} seconds`,
    dlq: { queue: deadLetter.arn, retry: $dev ? DEV_MAX_RECEIVES : MAX_RECEIVES },
    transform: { queue: { ...encrypted, messageRetentionSeconds: 4 * 24 * 3600 } }
  })

  const enrichment = new sst.aws.Function("Enrichment", {
    ...baseFunction,
    handler: `${HANDLERS}/enrichment.handler`,
    nodejs: nodejsFor({ duckDb: false, outboundHttp: true }),
    // The instruments of the symbols the producer streams are asked of Binance at a cold start;
    // above 100 symbols Binance is asked for all (and a Lambda's environment holds only 4 KB).
    environment: { ...tracedEnvironment(config), SYMBOLS: config.symbols.length > LIST_SYMBOLS_UP_TO ? "*" : config.symbols.join(",") },
    description: "Pipe enrichment: decodes trade batches, drops trades already applied, adds instruments and large-trade flags",
    timeout: `${PIPE_FUNCTION_TIMEOUT_SECONDS} seconds`,
    link: [storage.candles, storage.engineState],
    permissions: [grants.readState, ...tracingGrants(config)]
  })
  const processor = new sst.aws.Function("Processor", {
    ...baseFunction,
    handler: `${HANDLERS}/processor.handler`,
    nodejs: nodejsFor({ duckDb: false, outboundHttp: true }),
    environment: tracedEnvironment(config),
    description: "Pipe target: candles from trades, stored; trades staged for the archive; domain events on the bus",
    timeout: `${PIPE_FUNCTION_TIMEOUT_SECONDS} seconds`,
    link: [storage.candles, storage.engineState, storage.archive, events.bus],
    permissions: [grants.readState, grants.writeState, grants.writeCandles, grants.stageTrades, grants.publishEvents, ...tracingGrants(config)]
  })

  const role = new aws.iam.Role("TradesPipeRole", {
    assumeRolePolicy: aws.iam.getPolicyDocumentOutput({
      statements: [
        {
          effect: "Allow",
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["pipes.amazonaws.com"] }],
          conditions: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [aws.getCallerIdentityOutput().accountId] }]
        }
      ]
    }).json
  })
  // The pipe's own log, errors only: a failing execution says why, where the functions' logs cannot.
  const pipeLog = new aws.cloudwatch.LogGroup("TradesPipeLog", {
    name: $interpolate`/aws/vendedlogs/pipes/${$app.name}-${$app.stage}-trades`,
    retentionInDays: 30
  })
  const policy = new aws.iam.RolePolicy("TradesPipePolicy", {
    role: role.id,
    policy: aws.iam.getPolicyDocumentOutput({
      statements: [
        { effect: "Allow", actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], resources: [queue.arn] },
        { effect: "Allow", actions: ["lambda:InvokeFunction"], resources: [enrichment.arn, processor.arn] },
        { effect: "Allow", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [$interpolate`${pipeLog.arn}:*`] }
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
      logConfiguration: { level: "ERROR", cloudwatchLogsLogDestination: { logGroupArn: pipeLog.arn } },
      desiredState: "RUNNING"
    },
    { dependsOn: [policy] }
  )

  return { queue, deadLetter, enrichment, processor, pipe, pipeLog, role, policy }
}

export type Market = ReturnType<typeof market>
