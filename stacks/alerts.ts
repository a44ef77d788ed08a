/// <reference path="../.sst/platform/config.d.ts" />
/**
 * Alerts: the topic the alert service publishes to, with this stage's subscriptions from its
 * secrets (`sst secret set AlertEmail you@example.com`, `AlertSms +15550100`; unset or "none"
 * leaves a channel off, decided before any resource exists: stacks/config.ts; mobile push is one more subscription of protocol "application" to a platform
 * endpoint ARN), an ops topic, and the alarms that page ops: messages in either dead-letter
 * queue (trades, consumer failures), errors in any function, pipe failures whole or partial,
 * throttled API requests, and no CandleClosed on the bus for five minutes.
 *
 * Both topics are encrypted with a customer-managed KMS key whose policy lets CloudWatch use it:
 * with the AWS-managed `alias/aws/sns` key CloudWatch cannot publish, and no alarm would ever
 * reach anyone. The key costs $1 a month (rotation on: +$1 after each of the first two yearly
 * rotations) plus $0.03 per 10,000 requests, which SNS's data-key caching keeps to a few.
 */
import type { AlertChannels } from "./config.ts"
import type { Events } from "./events.ts"
import { METRIC_NAMESPACE } from "@blockchaincore/aws/runtime/EmbeddedMetrics"
import { KEPT_THROUGH_OUTAGE_MINUTES } from "@blockchaincore/aws/sqs/TradesQueueReceipts"
import type { Market } from "./market.ts"
import { keptOnRemoval } from "./retention.ts"

export const NO_CANDLE_MINUTES = 5
/** The oldest trade batch's age that pages: a processor failing this long, well before the dead-letter move. */
export const OLDEST_BATCH_MINUTES = 10
/** The share of its timeout a function's slowest call may take before it pages. */
export const NEAR_TIMEOUT = 0.8

/** Fires on the first occurrence within five minutes; quiet (no data) is fine. */
const ANY_IN_FIVE_MINUTES = {
  statistic: "Sum",
  period: 300,
  evaluationPeriods: 1,
  threshold: 0,
  comparisonOperator: "GreaterThanThreshold",
  treatMissingData: "notBreaching"
} as const

const topicsKey = () => {
  const account = aws.getCallerIdentityOutput().accountId
  return new aws.kms.Key(
    "TopicsKey",
    {
      description: "Encrypts the Alerts and Ops topics; CloudWatch alarms may use it to publish",
      enableKeyRotation: true,
      deletionWindowInDays: 7,
      policy: aws.iam.getPolicyDocumentOutput({
        statements: [
          {
            sid: "AccountAdministers",
            effect: "Allow",
            actions: ["kms:*"],
            principals: [{ type: "AWS", identifiers: [$interpolate`arn:aws:iam::${account}:root`] }],
            resources: ["*"]
          },
          {
            sid: "CloudWatchAlarmsPublish",
            effect: "Allow",
            actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
            principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
            resources: ["*"],
            conditions: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [account] }]
          }
        ]
      }).json
    },
    keptOnRemoval()
  )
}

export const alertTopics = (channels: AlertChannels) => {
  const alertEmail = new sst.Secret("AlertEmail", "none")
  const alertSms = new sst.Secret("AlertSms", "none")
  const webhookUrl = new sst.Secret("WebhookUrl", "none")
  const key = topicsKey()
  const alerts = new sst.aws.SnsTopic("Alerts", { transform: { topic: { kmsMasterKeyId: key.arn } } })
  const ops = new sst.aws.SnsTopic("Ops", { transform: { topic: { kmsMasterKeyId: key.arn } } })
  const subscribe = (name: string, topic: sst.aws.SnsTopic, protocol: string, endpoint: $util.Output<string>) =>
    new aws.sns.TopicSubscription(name, { topic: topic.arn, protocol, endpoint })
  if (channels.email) {
    subscribe("AlertsEmail", alerts, "email", alertEmail.value)
    subscribe("OpsEmail", ops, "email", alertEmail.value)
  }
  if (channels.sms) subscribe("AlertsSms", alerts, "sms", alertSms.value)
  return { alerts, ops, key, alertEmail, alertSms, webhookUrl }
}

export type AlertTopics = ReturnType<typeof alertTopics>

const alarm = (name: string, topic: sst.aws.SnsTopic, args: Omit<aws.cloudwatch.MetricAlarmArgs, "alarmActions" | "okActions">) =>
  new aws.cloudwatch.MetricAlarm(name, { ...args, alarmActions: [topic.arn], okActions: [topic.arn] })

const messagesWaiting = (name: string, topic: sst.aws.SnsTopic, queue: sst.aws.Queue, description: string) =>
  alarm(name, topic, {
    alarmDescription: description,
    namespace: "AWS/SQS",
    metricName: "ApproximateNumberOfMessagesVisible",
    dimensions: { QueueName: queue.nodes.queue.name },
    statistic: "Maximum",
    period: 60,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching"
  })

export const alarms = (
  topics: AlertTopics,
  market: Market,
  events: Events,
  api: sst.aws.Function,
  functions: ReadonlyArray<{ readonly name: string; readonly fn: $util.Output<string> | $util.Input<string>; readonly timeoutSeconds: $util.Input<number> }>
) => {
  const deadLetters = messagesWaiting(
    "DeadLetterAlarm",
    topics.ops,
    market.deadLetter,
    "Trade batches in the dead-letter queue: they failed processing five times"
  )
  const consumerFailures = messagesWaiting(
    "ConsumerFailuresAlarm",
    topics.ops,
    events.failures,
    "Bus events a consumer failed after its retries: fix the cause, then `npm run aws:redrive`"
  )
  const oldestBatch = alarm("TradesAgeAlarm", topics.ops, {
    alarmDescription: `A trade batch has waited over ${OLDEST_BATCH_MINUTES} minutes in the trades queue: the pipe or the processor is failing; after ${KEPT_THROUGH_OUTAGE_MINUTES} minutes batches go to the dead-letter queue`,
    namespace: "AWS/SQS",
    metricName: "ApproximateAgeOfOldestMessage",
    dimensions: { QueueName: market.queue.nodes.queue.name },
    statistic: "Maximum",
    period: 60,
    evaluationPeriods: 1,
    threshold: OLDEST_BATCH_MINUTES * 60,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching"
  })
  const functionErrors = functions.map(({ name, fn }) =>
    alarm(`${name}ErrorsAlarm`, topics.ops, {
      alarmDescription: `Errors in the ${name} function`,
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: fn },
      ...ANY_IN_FIVE_MINUTES
    })
  )
  const pipeAlarm = (name: string, metricName: string, alarmDescription: string) =>
    alarm(name, topics.ops, {
      alarmDescription,
      namespace: "AWS/EventBridge/Pipes",
      metricName,
      dimensions: { PipeName: market.pipe.name },
      ...ANY_IN_FIVE_MINUTES
    })
  const pipeFailures = pipeAlarm("PipeFailuresAlarm", "ExecutionFailed", "The trades pipe failed executions (enrichment or target)")
  // The processor reports a failed message without failing its invocation: only the pipe sees it.
  const pipePartialFailures = pipeAlarm(
    "PipePartialFailuresAlarm",
    "ExecutionPartiallyFailed",
    "The trades pipe had messages fail processing: a poison message holds its group until it reaches the dead-letter queue"
  )
  const apiThrottles = alarm("ApiThrottlesAlarm", topics.ops, {
    alarmDescription: "The public API function is throttled at its concurrency cap: a request flood, or a cap too low",
    namespace: "AWS/Lambda",
    metricName: "Throttles",
    dimensions: { FunctionName: api.name },
    ...ANY_IN_FIVE_MINUTES
  })
  // The anomaly subscription matches every CandleClosed: its rule's matches are the candles closing.
  const anomaly = events.subscriptions.find((s) => s.consumer.name === "anomaly")
  if (anomaly === undefined) throw new Error("no subscription matches CandleClosed: the no-candle alarm has nothing to watch")
  const noCandles = alarm("NoCandleClosedAlarm", topics.ops, {
    alarmDescription: `No CandleClosed on the market bus for ${NO_CANDLE_MINUTES} minutes: the producer or the pipe has stopped`,
    namespace: "AWS/Events",
    metricName: "MatchedEvents",
    dimensions: { EventBusName: events.bus.name, RuleName: anomaly.subscription.nodes.rule.name },
    statistic: "Sum",
    period: 60,
    evaluationPeriods: NO_CANDLE_MINUTES,
    threshold: 1,
    comparisonOperator: "LessThanThreshold",
    treatMissingData: "breaching"
  })
  // A function that nears its timeout warns before it fails: the slowest call in five minutes over 80% of it.
  const slowFunctions = functions.map(({ name, fn, timeoutSeconds }) =>
    alarm(`${name}DurationAlarm`, topics.ops, {
      alarmDescription: `The ${name} function took over ${NEAR_TIMEOUT * 100}% of its timeout`,
      namespace: "AWS/Lambda",
      metricName: "Duration",
      dimensions: { FunctionName: fn },
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 1,
      threshold: $output(timeoutSeconds).apply((t) => t * 1000 * NEAR_TIMEOUT),
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching"
    })
  )
  // The functions' own counts (packages/aws/src/runtime/EmbeddedMetrics.ts), summed over all of them.
  const ownCount = (name: string, metricName: string, alarmDescription: string) =>
    alarm(name, topics.ops, { alarmDescription, namespace: METRIC_NAMESPACE, metricName, ...ANY_IN_FIVE_MINUTES })
  const malformed = ownCount(
    "MalformedInputAlarm",
    "MalformedInput",
    "A function got input it could not decode (a queue body, a pipe payload, a bus event): it was logged with the reason and set aside"
  )
  const consumerFailed = ownCount("ConsumerFailedAlarm", "ConsumerFailed", "A consumer failed an event; Lambda retries it, then sends it to ConsumerFailures")
  return {
    deadLetters,
    consumerFailures,
    oldestBatch,
    malformed,
    consumerFailed,
    functionErrors,
    slowFunctions,
    pipeFailures,
    pipePartialFailures,
    apiThrottles,
    noCandles
  }
}
