/// <reference path="../.sst/platform/config.d.ts" />
/**
 * The market bus and its subscriptions: one per entry of the consumer registry
 * (packages/services/src/consumers/consumers.ts), each with exactly that entry's event pattern,
 * running the consumer handler with `CONSUMER` set to the entry's name and linked to the
 * resources of the ports the entry says it needs, and nothing else. Adding a consumer to the
 * registry adds its subscription here, with no change to this file.
 */
import type { Consumer, Port } from "../packages/services/src/consumers/Consumer.ts"
import type { EventPattern, Matcher } from "../packages/core/src/events/EventPattern.ts"
import { baseFunction, HANDLERS, withDuckDb } from "./functions.ts"

export interface EventLinks {
  readonly ports: Readonly<Record<Exclude<Port, "EventBus">, ReadonlyArray<sst.Linkable<Record<string, unknown>> | $util.Resource>>>
}

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
  return { ...(sources === undefined ? {} : { source: sources }), ...(detailTypes === undefined ? {} : { detailType: detailTypes }), ...(detail === undefined ? {} : { detail }) }
}

const isMatchers = (value: EventPattern[string]): value is ReadonlyArray<Matcher> => Array.isArray(value)

export const events = (registry: ReadonlyArray<Consumer<unknown>>, links: EventLinks["ports"]) => {
  const bus = new sst.aws.Bus("Market")
  const subscriptions = registry.map((consumer) => {
    const linked = consumer.needs.flatMap((port) => (port === "EventBus" ? [bus] : links[port]))
    return {
      consumer,
      subscription: bus.subscribe(
        consumer.name,
        {
          ...baseFunction,
          ...(consumer.needs.includes("TradeArchive") ? withDuckDb : {}),
          handler: `${HANDLERS}/consumer.handler`,
          description: consumer.description,
          timeout: "1 minute",
          environment: { CONSUMER: consumer.name },
          link: linked
        },
        { pattern: subscriberPattern(consumer.pattern) }
      )
    }
  })
  return { bus, subscriptions }
}

export type Events = ReturnType<typeof events>
