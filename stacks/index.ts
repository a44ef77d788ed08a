/// <reference path="../.sst/platform/config.d.ts" />
/**
 * The whole app, stack by stack. `sst.config.ts` calls this from `run()`; the offline tests call
 * it with the registry (and with one entry more), in deploy and in dev mode, to check what it
 * declares. Every output is valid in both modes: under `sst dev` the producer is a local process
 * and has no ECS service to name.
 */
import type { Consumer } from "@blockchaincore/services/consumers/ConsumerDeclaration"
import { grants } from "./access.ts"
import { alarms, alertTopics } from "./alerts.ts"
import type { DeployConfig } from "./config.ts"
import { events, marketBus } from "./events.ts"
import { linksCarryNamesOnly } from "./links.ts"
import { market } from "./market.ts"
import { producer } from "./producer.ts"
import { DEV_PRODUCER } from "./stages.ts"
import { storage } from "./storage.ts"
import { web } from "./web.ts"

export const app = (config: DeployConfig, registry: ReadonlyArray<Consumer>) => {
  linksCarryNamesOnly()
  const stores = storage()
  const topics = alertTopics(config.alertChannels)
  const bus = marketBus()
  const allowed = grants({ storage: stores, bus, alerts: topics.alerts, topicsKey: topics.key })
  const consumers = events(
    bus,
    registry,
    {
      CandleStore: [stores.candles, stores.engineState],
      CandleRepairs: [stores.candles],
      AlertConditions: [stores.alertConditions],
      EventHistory: [stores.history],
      TradeArchive: [stores.archive],
      Notifier: [topics.alerts],
      Webhook: [topics.webhookUrl]
    },
    allowed,
    config
  )
  const trades = market(stores, consumers, allowed, config)
  const site = web(stores, allowed, config)
  const producers = producer(trades, stores, bus, allowed, config)
  const watched = [
    { name: "Enrichment", fn: trades.enrichment.name, timeoutSeconds: trades.enrichment.nodes.function.timeout.apply((t) => t ?? 3) },
    { name: "Processor", fn: trades.processor.name, timeoutSeconds: trades.processor.nodes.function.timeout.apply((t) => t ?? 3) },
    { name: "Api", fn: site.api.name, timeoutSeconds: site.api.nodes.function.timeout.apply((t) => t ?? 3) },
    ...consumers.subscriptions.map((s) => ({
      name: `Consumer${s.consumer.name[0]?.toUpperCase() ?? ""}${s.consumer.name.slice(1)}`,
      fn: s.subscription.nodes.function.name,
      timeoutSeconds: s.subscription.nodes.function.nodes.function.timeout.apply((t) => t ?? 3)
    }))
  ]
  alarms(topics, trades, consumers, site.api, watched)
  const functionNames = $resolve(watched.map((w) => w.fn)).apply((names) => names.join(","))
  return {
    stage: $app.stage,
    region: aws.getRegionOutput().region,
    queue: trades.queue.url,
    deadLetterQueue: trades.deadLetter.url,
    consumerFailures: consumers.failures.url,
    bus: bus.name,
    pipe: trades.pipe.name,
    api: site.api.url,
    dashboard: site.router.url,
    archive: stores.archive.name,
    athenaWorkgroup: stores.athena.name,
    glueDatabase: stores.database.name,
    // Under `sst dev` the producer runs locally (dev.command): there is no ECS service.
    producer: $dev ? DEV_PRODUCER : producers.service.nodes.service.name,
    cluster: producers.cluster.nodes.cluster.name,
    functions: functionNames,
    // The backfill task, for `npm run aws:backfill` (ECS RunTask).
    backfillTask: producers.backfill.taskDefinition,
    backfillContainer: producers.backfill.containers.apply((names) => names[0] ?? "Backfill"),
    backfillSubnets: producers.backfill.subnets.apply((ids) => ids.join(",")),
    backfillSecurityGroups: producers.backfill.securityGroups.apply((ids) => ids.join(","))
  }
}
