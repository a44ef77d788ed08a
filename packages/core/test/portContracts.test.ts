/** The store ports' contracts (testkit/contracts) on the in-memory stores the services' and the API's tests use. */
import { CandleStore } from "@blockchaincore/core/ports/CandleStore"
import { EngineStateStore } from "@blockchaincore/core/ports/EngineStateStore"
import { candleStoreContract } from "@blockchaincore/testkit/contracts/candleStoreContract"
import { engineStateStoreContract } from "@blockchaincore/testkit/contracts/engineStateStoreContract"
import { freshFromLayer } from "@blockchaincore/testkit/contracts/freshStore"
import { memoryCandleStore, memoryEngineStateStore } from "@blockchaincore/testkit/memoryStores"

candleStoreContract("in memory", () => freshFromLayer(CandleStore, memoryCandleStore()))
engineStateStoreContract("in memory", () => freshFromLayer(EngineStateStore, memoryEngineStateStore()))
