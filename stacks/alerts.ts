/// <reference path="../.sst/platform/config.d.ts" />
/**
 * Alerts: the topic the alert service publishes to, with this stage's subscriptions from its
 * secrets (`sst secret set AlertEmail you@example.com`, `AlertSms +15550100`; "none" leaves a
 * channel off; mobile push is one more subscription of protocol "application" to a platform
 * endpoint ARN), an ops topic, and the alarms that page ops: messages in the dead-letter queue,
 * errors in any function, pipe failures, and no CandleClosed on the bus for five minutes.
 */
import type { Events } from "./events.ts"
import type { Market } from "./market.ts"

export const NO_CANDLE_MINUTES = 5

/** Fires on the first occurrence within five minutes; quiet (no data) is fine. */
const ANY_IN_FIVE_MINUTES = { statistic: "Sum", period: 300, evaluationPeriods: 1, threshold: 0, comparisonOperator: "GreaterThanThreshold", treatMissingData: "notBreaching" } as const

export const alertTopics = () => {
  const alertEmail = new sst.Secret("AlertEmail", "none")
  const alertSms = new sst.Secret("AlertSms", "none")
  const webhookUrl = new sst.Secret("WebhookUrl", "none")
  const alerts = new sst.aws.SnsTopic("Alerts", { transform: { topic: { kmsMasterKeyId: "alias/aws/sns" } } })
  const ops = new sst.aws.SnsTopic("Ops", { transform: { topic: { kmsMasterKeyId: "alias/aws/sns" } } })
  const subscribe = (name: string, topic: sst.aws.SnsTopic, protocol: string, endpoint: $util.Output<string>) =>
    endpoint.apply((value) => (value === "none" ? undefined : new aws.sns.TopicSubscription(name, { topic: topic.arn, protocol, endpoint: value })))
  subscribe("AlertsEmail", alerts, "email", alertEmail.value)
  subscribe("AlertsSms", alerts, "sms", alertSms.value)
  subscribe("OpsEmail", ops, "email", alertEmail.value)
  return { alerts, ops, alertEmail, alertSms, webhookUrl }
}

export type AlertTopics = ReturnType<typeof alertTopics>

const alarm = (name: string, topic: sst.aws.SnsTopic, args: Omit<aws.cloudwatch.MetricAlarmArgs, "alarmActions" | "okActions">) =>
  new aws.cloudwatch.MetricAlarm(name, { ...args, alarmActions: [topic.arn], okActions: [topic.arn] })

export const alarms = (topics: AlertTopics, market: Market, events: Events, functions: ReadonlyArray<{ readonly name: string; readonly fn: $util.Output<string> | $util.Input<string> }>) => {
  const deadLetters = alarm("DeadLetterAlarm", topics.ops, {
    alarmDescription: "Trade batches in the dead-letter queue: they failed processing five times",
    namespace: "AWS/SQS",
    metricName: "ApproximateNumberOfMessagesVisible",
    dimensions: { QueueName: market.deadLetter.nodes.queue.name },
    statistic: "Maximum",
    period: 60,
    evaluationPeriods: 1,
    threshold: 0,
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
  const pipeFailures = alarm("PipeFailuresAlarm", topics.ops, {
    alarmDescription: "The trades pipe failed executions (enrichment or target)",
    namespace: "AWS/EventBridge/Pipes",
    metricName: "ExecutionFailed",
    dimensions: { PipeName: market.pipe.name },
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
  return { deadLetters, functionErrors, pipeFailures, noCandles }
}
