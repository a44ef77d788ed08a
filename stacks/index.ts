/// <reference path="../.sst/platform/config.d.ts" />
/**
 * The whole app, stack by stack. `sst.config.ts` calls this from `run()`; the offline tests call
 * it with the registry (and with one entry more) to check what it declares.
 */
import type { Consumer } from "../packages/services/src/consumers/Consumer.ts"
import { alarms, alertTopics } from "./alerts.ts"
import type { DeployConfig } from "./config.ts"
import { events } from "./events.ts"
import { market } from "./market.ts"
import { producer } from "./producer.ts"
import { storage } from "./storage.ts"
import { web } from "./web.ts"

export const app = (config: DeployConfig, registry: ReadonlyArray<Consumer<unknown>>) => {
  const stores = storage(config.symbols)
  const topics = alertTopics()
  const bus = events(registry, {
    CandleStore: [stores.candles, stores.engineState],
    AlertConditions: [stores.alertConditions],
    EventHistory: [stores.history],
    TradeArchive: [stores.archive],
    Notifier: [topics.alerts],
    Webhook: [topics.webhookUrl]
  })
  const trades = market(stores, bus)
  const site = web(stores)
  const producers = producer(trades, stores, config.symbols)
  const watched = [
    { name: "Enrichment", fn: trades.enrichment.name },
    { name: "Processor", fn: trades.processor.name },
    { name: "Api", fn: site.api.name },
    ...bus.subscriptions.map((s) => ({ name: `Consumer${s.consumer.name[0]?.toUpperCase() ?? ""}${s.consumer.name.slice(1)}`, fn: s.subscription.nodes.function.name }))
  ]
  alarms(topics, trades, bus, watched)
  const functionNames = $resolve(watched.map((w) => w.fn)).apply((names) => names.join(","))
  return {
    queue: trades.queue.url,
    deadLetterQueue: trades.deadLetter.url,
    bus: bus.bus.name,
    pipe: trades.pipe.name,
    api: site.api.url,
    dashboard: site.dashboard.url,
    archive: stores.archive.name,
    athenaWorkgroup: stores.athena.name,
    glueDatabase: stores.database.name,
    producer: producers.service.nodes.service.name,
    cluster: producers.cluster.nodes.cluster.name,
    functions: functionNames
  }
}
