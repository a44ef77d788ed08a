/**
 * The DynamoDB adapters against dynalite (a DynamoDB that runs here), over HTTP with the real SDK:
 * the state is written only at the version read, batches over DynamoDB's 25-item limit are split,
 * and paging holds. What every candle store does is the contract's (candleStoreContract.test.ts).
 */
import { Effect, Exit } from "effect"
import { describe, expect, layer } from "@effect/vitest"
import { alertSent, anomalyDetected } from "@blockchaincore/core/events/DomainEvent"
import { makeDynamoEventHistory } from "../src/dynamodb/DynamoEventHistory.ts"
import { makeDynamoAlertConditions } from "../src/dynamodb/DynamoAlertConditions.ts"
import { makeDynamoCandleStore } from "../src/dynamodb/DynamoCandleStore.ts"
import { makeDynamoEngineStateStore } from "../src/dynamodb/DynamoEngineStateStore.ts"
import { ALERT_CONDITIONS_TABLE, CANDLES_TABLE, HISTORY_TABLE, STATE_TABLE } from "../src/dynamodb/Tables.ts"
import { candleAt, snapshotOf } from "@blockchaincore/testkit/builders"
import { Dynalite } from "@blockchaincore/testkit/awsStandIns"

const tables = Dynalite.layer({ candles: CANDLES_TABLE, state: STATE_TABLE, conditions: ALERT_CONDITIONS_TABLE, history: HISTORY_TABLE })
const store = Effect.gen(function*() {
  const dynamo = yield* Dynalite
  return makeDynamoCandleStore({ client: dynamo.client, candlesTable: "candles" })
})
const T0 = Date.UTC(2024, 7, 8, 23, 0)

layer(tables, { excludeTestServices: true })("the DynamoDB adapters (dynalite)", (it) => {
  describe("DynamoCandleStore (dynalite)", () => {
    it.effect("writes more than 25 candles in one call and pages like Binance's klines", () => Effect.gen(function*() {
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
      expect(yield* s.candles({ symbol: "ETHUSDT", interval: "1m", startTime: T0, endTime: T0 + 59 * 60_000, limit: 1000, consistent: true })).toEqual(candles)
      expect(yield* s.candles({ symbol: "ETHUSDT", interval: "5m", limit: 5 })).toEqual([])
    }))

    it.effect("saves a state only at the version it was read at", () => Effect.gen(function*() {
      const s = makeDynamoEngineStateStore({ client: (yield* Dynalite).client, stateTable: "state" })
      const snapshot = snapshotOf("XRPETH", 7, T0)
      expect(yield* s.loadState("XRPETH")).toEqual({ version: 0, state: undefined })
      expect(yield* s.saveState("XRPETH", snapshot, 0)).toBe(1)
      const conflict = yield* Effect.exit(s.saveState("XRPETH", snapshot, 0))
      expect(Exit.isFailure(conflict) && JSON.stringify(conflict.cause)).toContain("VersionConflict")
      expect(yield* s.saveState("XRPETH", snapshot, 1)).toBe(2)
      expect(yield* s.loadState("XRPETH")).toEqual({ version: 2, state: snapshot })
    }))
  })

  describe("DynamoAlertConditions (dynalite)", () => {
    it.effect("round-trips a symbol and interval's conditions and refuses a stale write", () => Effect.gen(function*() {
      const conditions = makeDynamoAlertConditions((yield* Dynalite).client, "conditions")
      const candle = candleAt("BTCUSDT", T0)
      const anomaly = anomalyDetected({ candle, rule: "price_movement", severity: "high", metrics: { change: 0.2 }, threshold: 0.05 })
      const state = { firing: true, lastFiredOpenTime: T0, lastAlertAt: T0 + 60_000, notified: true }
      expect(yield* conditions.load("BTCUSDT", "1m")).toEqual({ version: 0, conditions: new Map() })
      yield* conditions.save("BTCUSDT", "1m", new Map([["price_movement", { state, anomaly }]]), 0)
      expect(yield* conditions.load("BTCUSDT", "1m")).toEqual({ version: 1, conditions: new Map([["price_movement", { state, anomaly }]]) })
      expect((yield* conditions.load("BTCUSDT", "5m")).version).toBe(0)
      const stale = yield* Effect.exit(conditions.save("BTCUSDT", "1m", new Map(), 0))
      expect(Exit.isFailure(stale) && JSON.stringify(stale.cause)).toContain("VersionConflict")
    }))
  })

  describe("DynamoEventHistory (dynalite)", () => {
    it.effect("keeps each event once and reads the newest first", () => Effect.gen(function*() {
      const history = makeDynamoEventHistory((yield* Dynalite).client, "history")
      const anomaly = (minute: number) => anomalyDetected({ candle: candleAt("BTCUSDT", T0 + minute * 60_000), rule: "volume_spike", severity: "medium", metrics: { ratio: 3.2 }, threshold: 3 })
      for (const minute of [2, 0, 1, 1]) yield* history.record(anomaly(minute))
      const alert = alertSent({ anomalyId: anomaly(1).id, symbol: "BTCUSDT", interval: "1m", rule: "volume_spike", state: "firing", channel: "sns", sentAt: T0 + 119_999 })
      yield* history.record(alert)
      expect(yield* history.anomalies(10)).toEqual([anomaly(2), anomaly(1), anomaly(0)])
      expect(yield* history.anomalies(1)).toEqual([anomaly(2)])
      expect(yield* history.alerts(10)).toEqual([alert])
    }))
  })
})
