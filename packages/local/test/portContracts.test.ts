/** Every port's contract (testkit/contracts) on the local runtime's adapters, each in a file of its own. */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { AlertConditions } from "@blockchaincore/core/ports/AlertConditions"
import { CandleStore } from "@blockchaincore/core/ports/CandleStore"
import { EngineStateStore } from "@blockchaincore/core/ports/EngineStateStore"
import { EventHistory } from "@blockchaincore/core/ports/EventHistory"
import { alertConditionsContract } from "@blockchaincore/testkit/contracts/alertConditionsContract"
import { candleStoreContract } from "@blockchaincore/testkit/contracts/candleStoreContract"
import { engineStateStoreContract } from "@blockchaincore/testkit/contracts/engineStateStoreContract"
import { eventHistoryContract } from "@blockchaincore/testkit/contracts/eventHistoryContract"
import { freshContext, freshFromLayer } from "@blockchaincore/testkit/contracts/freshStore"
import { tradeQueueContract } from "@blockchaincore/testkit/contracts/tradeQueueContract"
import { Context, Effect, Exit, Logger, LogLevel, Scope, Stream } from "effect"
import { Notifier } from "@blockchaincore/core/ports/Notifier"
import { notifierContract } from "@blockchaincore/testkit/contracts/notifierContract"
import { layerLogNotifier } from "../src/log/LogNotifier.ts"
import { eventBusContract, SUBSCRIBERS } from "@blockchaincore/testkit/contracts/eventBusContract"
import { InProcessEventBus } from "../src/memory/InProcessEventBus.ts"
import { existsSync } from "node:fs"
import { dirname } from "node:path"
import { TradeArchive } from "@blockchaincore/core/ports/TradeArchive"
import { TradeStaging } from "@blockchaincore/core/ports/TradeStaging"
import { tradeArchiveContract } from "@blockchaincore/testkit/contracts/tradeArchiveContract"
import { layerDuckdbTradeArchive } from "../src/duckdb/DuckdbTradeArchive.ts"
import { TradeQueue } from "@blockchaincore/core/ports/TradeQueue"
import { LocalTradeQueue } from "../src/sqlite/SqliteTradeQueue.ts"
import { layerSqliteAlertConditions } from "../src/sqlite/SqliteAlertConditions.ts"
import { layerSqliteCandleStore } from "../src/sqlite/SqliteCandleStore.ts"
import { layerSqliteEngineStateStore } from "../src/sqlite/SqliteEngineStateStore.ts"
import { layerSqliteEventHistory } from "../src/sqlite/SqliteEventHistory.ts"

const file = (name: string) => join(mkdtempSync(join(tmpdir(), "store-contract-")), name)

candleStoreContract("SQLite", () => freshFromLayer(CandleStore, layerSqliteCandleStore(file("candles.db"))))
engineStateStoreContract("SQLite", () => freshFromLayer(EngineStateStore, layerSqliteEngineStateStore(file("state.db"))))
alertConditionsContract("SQLite", () => freshFromLayer(AlertConditions, layerSqliteAlertConditions(file("conditions.db"))))
eventHistoryContract("SQLite", () => freshFromLayer(EventHistory, layerSqliteEventHistory(file("history.db"))))

tradeQueueContract("SQLite", async () => {
  const { store: built, close } = await freshContext(LocalTradeQueue.layer(file("queue.sqlite")))
  const local = Context.get(built, LocalTradeQueue)
  return {
    // What the local pipe takes: each shard's batches, oldest first.
    store: {
      queue: Context.get(built, TradeQueue),
      receiveAll: async () => local.shardsWithBatches().flatMap((shard) => local.take(shard, Number.POSITIVE_INFINITY))
    },
    close
  }
})

eventBusContract("in process", async () => {
  const scope = await Effect.runPromise(Scope.make())
  const bus = await Effect.runPromise(InProcessEventBus.make())
  // Subscribed before anything is published, as the runtime subscribes its consumers at start.
  const subscriptions = new Map(
    await Promise.all(SUBSCRIBERS.map(async (s) => [s.name, await Effect.runPromise(Scope.provide(bus.events(s.pattern), scope))] as const))
  )
  const delivered = (name: string, lastId: string) => {
    const events = subscriptions.get(name)
    if (events === undefined) throw new Error(`no subscriber ${name}`)
    return Effect.runPromise(
      events.pipe(
        Stream.takeUntil((e) => e.id === lastId),
        Stream.runCollect
      )
    )
  }
  return { store: { bus, delivered }, close: () => Effect.runPromise(Scope.close(scope, Exit.void)) }
})

tradeArchiveContract("local files", async () => {
  const root = dirname(file("archive"))
  const { store: built, close } = await freshContext(layerDuckdbTradeArchive(root))
  const fileOf = async (key: string) => (existsSync(join(root, key)) ? join(root, key) : undefined)
  return { store: { staging: Context.get(built, TradeStaging), archive: Context.get(built, TradeArchive), fileOf }, close }
})

notifierContract("the terminal's log", async () => {
  const { store: built, close } = await freshContext(layerLogNotifier)
  const notifier = Context.get(built, Notifier)
  const lines: Array<{ text: string; urgent: boolean }> = []
  // The log is this channel: what it prints, at the level it prints it.
  const terminal = Logger.layer([
    Logger.make(({ message, logLevel }) =>
      lines.push({ text: (Array.isArray(message) ? message : [message]).map(String).join(" "), urgent: LogLevel.isGreaterThanOrEqualTo(logLevel, "Warn") })
    )
  ])
  return {
    store: { notifier: { channel: notifier.channel, notify: (n) => notifier.notify(n).pipe(Effect.provide(terminal)) }, received: async () => lines },
    close
  }
})
