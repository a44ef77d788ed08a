/** The engine state store's contract (testkit/contracts) on the in-memory store the services' tests use. */
import { EngineStateStore } from "@blockchaincore/core/ports/EngineStateStore"
import { engineStateStoreContract } from "@blockchaincore/testkit/contracts/engineStateStoreContract"
import { freshFromLayer } from "@blockchaincore/testkit/contracts/freshStore"
import { memoryEngineStateStore } from "@blockchaincore/testkit/memoryStores"

engineStateStoreContract("in memory", () => freshFromLayer(EngineStateStore, memoryEngineStateStore()))
