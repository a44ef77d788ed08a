/** The candle store contract (testkit/contracts) on AWS's DynamoDB store, against dynalite with the stage's table and index. */
import { candleStoreContract } from "@blockchaincore/testkit/contracts/candleStoreContract"
import { startDynalite } from "@blockchaincore/testkit/awsStandIns"
import { makeDynamoCandleStore } from "../src/dynamodb/DynamoCandleStore.ts"
import { CANDLES_TABLE } from "../src/dynamodb/Tables.ts"

candleStoreContract("DynamoDB", async () => {
  const dynamo = await startDynalite({ candles: CANDLES_TABLE })
  return { store: makeDynamoCandleStore({ client: dynamo.client, candlesTable: "candles" }), close: dynamo.close }
})
