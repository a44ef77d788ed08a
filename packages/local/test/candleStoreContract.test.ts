/** The candle store contract (testkit/contracts) on the local runtime's SQLite store. */
import { DatabaseSync } from "node:sqlite"
import { candleStoreContract } from "@blockchaincore/testkit/contracts/candleStoreContract"
import { makeSqliteCandleStore } from "../src/sqlite/SqliteCandleStore.ts"

candleStoreContract("SQLite", async () => {
  const db = new DatabaseSync(":memory:")
  return { store: makeSqliteCandleStore(db), close: async () => db.close() }
})
