/** Every store port's contract (testkit/contracts) on AWS's DynamoDB adapters, against dynalite with the stage's tables. */
import { alertConditionsContract } from "@blockchaincore/testkit/contracts/alertConditionsContract"
import { candleStoreContract } from "@blockchaincore/testkit/contracts/candleStoreContract"
import { engineStateStoreContract } from "@blockchaincore/testkit/contracts/engineStateStoreContract"
import { eventHistoryContract } from "@blockchaincore/testkit/contracts/eventHistoryContract"
import { startDynalite } from "@blockchaincore/testkit/awsStandIns"
import type { TableKeys } from "../src/dynamodb/Tables.ts"
import { ALERT_CONDITIONS_TABLE, CANDLES_TABLE, HISTORY_TABLE, STATE_TABLE, tablesNamed } from "../src/dynamodb/Tables.ts"
import { makeDynamoAlertConditions } from "../src/dynamodb/DynamoAlertConditions.ts"
import { makeDynamoCandleStore } from "../src/dynamodb/DynamoCandleStore.ts"
import { makeDynamoEngineStateStore } from "../src/dynamodb/DynamoEngineStateStore.ts"
import { makeDynamoEventHistory } from "../src/dynamodb/DynamoEventHistory.ts"
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb"

/** A dynalite of its own with one table, "contract". */
const onDynalite =
  <S>(keys: TableKeys, make: (client: DynamoDBClient) => S) =>
  async () => {
    const dynamo = await startDynalite(tablesNamed({ contract: keys }))
    return { store: make(dynamo.client), close: dynamo.close }
  }

candleStoreContract(
  "DynamoDB",
  onDynalite(CANDLES_TABLE, (client) => makeDynamoCandleStore({ client, candlesTable: "contract" }))
)
engineStateStoreContract(
  "DynamoDB",
  onDynalite(STATE_TABLE, (client) => makeDynamoEngineStateStore({ client, stateTable: "contract" }))
)
alertConditionsContract(
  "DynamoDB",
  onDynalite(ALERT_CONDITIONS_TABLE, (client) => makeDynamoAlertConditions(client, "contract"))
)
eventHistoryContract(
  "DynamoDB",
  onDynalite(HISTORY_TABLE, (client) => makeDynamoEventHistory(client, "contract"))
)
