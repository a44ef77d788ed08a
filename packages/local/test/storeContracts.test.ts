/** Every store port's contract (testkit/contracts) on the local runtime's SQLite adapters, each in a file of its own. */
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
import { freshFromLayer } from "@blockchaincore/testkit/contracts/freshStore"
import { layerSqliteAlertConditions } from "../src/sqlite/SqliteAlertConditions.ts"
import { layerSqliteCandleStore } from "../src/sqlite/SqliteCandleStore.ts"
import { layerSqliteEngineStateStore } from "../src/sqlite/SqliteEngineStateStore.ts"
import { layerSqliteEventHistory } from "../src/sqlite/SqliteEventHistory.ts"

const file = (name: string) => join(mkdtempSync(join(tmpdir(), "store-contract-")), name)

candleStoreContract("SQLite", () => freshFromLayer(CandleStore, layerSqliteCandleStore(file("candles.db"))))
engineStateStoreContract("SQLite", () => freshFromLayer(EngineStateStore, layerSqliteEngineStateStore(file("state.db"))))
alertConditionsContract("SQLite", () => freshFromLayer(AlertConditions, layerSqliteAlertConditions(file("conditions.db"))))
eventHistoryContract("SQLite", () => freshFromLayer(EventHistory, layerSqliteEventHistory(file("history.db"))))
