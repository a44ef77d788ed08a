/// <reference path="../.sst/platform/config.d.ts" />
/**
 * The market bus and its subscriptions: one per entry of the consumer registry
 * (packages/services/src/consumers/ConsumerRegistry.ts), each with exactly that entry's event pattern,
 * running the consumer handler with `CONSUMER` set to the entry's name, linked to the resources
 * of the ports the entry says it needs and allowed the consumer side of each (stacks/access.ts),
 * nothing else. Adding a consumer to the registry adds its subscription here, with no change to
 * this file.
 *
 * Nothing is dropped: an event the bus cannot deliver to the function goes to the rule target's
 * dead-letter queue, and an event whose handler still fails after Lambda's asynchronous retries
 * goes to the function's on-failure destination; both are the `ConsumerFailures` queue, which
 * pages ops (stacks/alerts.ts) and is replayed with `npm run aws:redrive`.
 */
import type { DeployConfig } from "./config.ts"
import { tracedEnvironment, tracingGrants } from "./tracing.ts"
import { ANOMALY_CONFIG_ENV } from "@blockchaincore/core/anomaly/AnomalySettings"
import type { Consumer, Port } from "@blockchaincore/services/consumers/ConsumerDeclaration"
import type { EventPattern, Matcher } from "@blockchaincore/core/events/EventPattern"
import { consumerGrants, type Grants } from "./access.ts"
import { baseFunction, HANDLERS, nodejsFor, withDuckDb } from "./functions.ts"
import { keepOnRemoval } from "./retention.ts"

export type PortLinks = Readonly<
  Record<Exclude<Port, "EventBus" | "AnomalySettings" | "ExchangeKlines">, ReadonlyArray<sst.Linkable<Record<string, unknown>> | $util.Resource>>
>

/** Lambda's asynchronous retries before an event goes to the failure queue (AWS allows 0 to 2). */
export const CONSUMER_RETRIES = 2
/** A failed event is kept this long for a redrive: SQS's maximum. */
export const FAILURE_RETENTION_SECONDS = 14 * 24 * 3600

/** An EventBridge pattern in the shape SST's subscriber takes (it renames `detailType` back). */
export const subscriberPattern = (pattern: EventPattern) => {
  const { source, "detail-type": detailType, detail, ...rest } = pattern
  if (Object.keys(rest).length > 0) throw new Error(`bus patterns may only match source, detail-type and detail; got ${Object.keys(rest).join(", ")}`)
  const list = (field: string, value: EventPattern[string] | undefined): Array<Matcher> | undefined => {
    if (value === undefined) return undefined
    if (!isMatchers(value)) throw new Error(`pattern field ${field} must be a list of matchers`)
    return [...value]
  }
  if (detail !== undefined && isMatchers(detail)) throw new Error("pattern field detail must be an object")
  const sources = list("source", source)
  const detailTypes = list("detail-type", detailType)
  return {
    ...(sources === undefined ? {} : { source: sources }),
    ...(detailTypes === undefined ? {} : { detailType: detailTypes }),
    ...(detail === undefined ? {} : { detail })
  }
}

const isMatchers = (value: EventPattern[string]): value is ReadonlyArray<Matcher> => Array.isArray(value)

export const marketBus = () => new sst.aws.Bus("Market")

export const events = (
  bus: sst.aws.Bus,
  registry: ReadonlyArray<Consumer>,
  links: PortLinks,
  grants: Grants,
  settings: Pick<DeployConfig, "anomalyConfig" | "tracing">
) => {
  const failures = new sst.aws.Queue("ConsumerFailures", {
    transform: {
      queue: (args, opts) => {
        Object.assign(args, { sqsManagedSseEnabled: true, messageRetentionSeconds: FAILURE_RETENTION_SECONDS })
        keepOnRemoval(args, opts)
      }
    }
  })
  const byPort = consumerGrants(grants)
  const subscriptions = registry.map((consumer) => {
    const linked = consumer.needs.flatMap((port) => (port === "EventBus" ? [bus] : port === "AnomalySettings" || port === "ExchangeKlines" ? [] : links[port]))
    const subscription = bus.subscribe(
      consumer.name,
      {
        ...baseFunction,
        ...(consumer.needs.includes("TradeArchive") ? withDuckDb : {}),
        // The consumer handler imports every port's adapter, the webhook's client among them.
        nodejs: nodejsFor({ duckDb: consumer.needs.includes("TradeArchive"), outboundHttp: true }),
        handler: `${HANDLERS}/consumer.handler`,
        description: consumer.description,
        timeout: "1 minute",
        environment: {
          CONSUMER: consumer.name,
          ...tracedEnvironment(settings),
          ...(consumer.needs.includes("AnomalySettings") && settings.anomalyConfig !== undefined
            ? { [ANOMALY_CONFIG_ENV]: JSON.stringify(settings.anomalyConfig) }
            : {})
        },
        link: linked,
        permissions: [
          ...consumer.needs.flatMap((port) => byPort[port]),
          { actions: ["sqs:SendMessage"], resources: [failures.arn] },
          ...tracingGrants(settings)
        ]
      },
      {
        pattern: subscriberPattern(consumer.pattern),
        transform: { target: { deadLetterConfig: { arn: failures.arn } } }
      }
    )
    const fn = subscription.nodes.function
    new aws.lambda.FunctionEventInvokeConfig(`${consumer.name}FailureDestination`, {
      functionName: fn.name,
      maximumRetryAttempts: CONSUMER_RETRIES,
      destinationConfig: { onFailure: { destination: failures.arn } }
    })
    return { consumer, subscription }
  })
  // The bus may put undeliverable events into the failure queue, from these rules only.
  new aws.sqs.QueuePolicy("ConsumerFailuresPolicy", {
    queueUrl: failures.url,
    policy: aws.iam.getPolicyDocumentOutput({
      statements: [
        {
          effect: "Allow",
          actions: ["sqs:SendMessage"],
          principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
          resources: [failures.arn],
          conditions: [{ test: "ArnEquals", variable: "aws:SourceArn", values: subscriptions.map((s) => s.subscription.nodes.rule.arn) }]
        }
      ]
    }).json
  })
  return { bus, failures, subscriptions }
}

export type Events = ReturnType<typeof events>
