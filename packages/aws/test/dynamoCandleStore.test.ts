/**
 * The DynamoDB candle store against dynalite (a DynamoDB that runs here), over HTTP with the real
 * SDK, where DynamoDB differs from other stores: a write of more than its 25 items a batch is
 * split. What every store does is its port's contract (portContracts.test.ts).
 */
import { Effect } from "effect"
import { describe, expect, layer } from "@effect/vitest"
import { makeDynamoCandleStore } from "../src/dynamodb/DynamoCandleStore.ts"
import { CANDLES_TABLE, tablesNamed } from "../src/dynamodb/Tables.ts"
import { candleAt } from "@blockchaincore/testkit/builders"
import { Dynalite } from "@blockchaincore/testkit/awsStandIns"

const tables = Dynalite.layer(tablesNamed({ candles: CANDLES_TABLE }))
const store = Effect.gen(function* () {
  const dynamo = yield* Dynalite
  return makeDynamoCandleStore({ client: dynamo.client, candlesTable: "candles" })
})
const T0 = Date.UTC(2024, 7, 8, 23, 0)

layer(tables, { excludeTestServices: true })("the DynamoDB adapters (dynalite)", (it) => {
  describe("DynamoCandleStore (dynalite)", () => {
    it.effect("writes more than 25 candles in one call and pages like Binance's klines", () =>
      Effect.gen(function* () {
        const s = yield* store
        const candles = Array.from({ length: 60 }, (_, i) => candleAt("ETHUSDT", T0 + i * 60_000))
        yield* s.putCandles(candles)
        const latest = yield* s.candles({ symbol: "ETHUSDT", interval: "1m", limit: 5 })
        expect(latest.map((c) => c.openTime)).toEqual(candles.slice(-5).map((c) => c.openTime))
        const fromStart = yield* s.candles({ symbol: "ETHUSDT", interval: "1m", startTime: T0 + 10 * 60_000, limit: 3 })
        expect(fromStart.map((c) => c.openTime)).toEqual([10, 11, 12].map((i) => T0 + i * 60_000))
        const bounded = yield* s.candles({ symbol: "ETHUSDT", interval: "1m", startTime: T0, endTime: T0 + 59 * 60_000, limit: 1000 })
        expect(bounded).toEqual(candles)
        // As the reconciliation reads: strongly consistent, the same answer.
        expect(yield* s.candles({ symbol: "ETHUSDT", interval: "1m", startTime: T0, endTime: T0 + 59 * 60_000, limit: 1000, consistent: true })).toEqual(
          candles
        )
        expect(yield* s.candles({ symbol: "ETHUSDT", interval: "5m", limit: 5 })).toEqual([])
      })
    )
  })
})
