/** What every alert-conditions store does (SQLite, DynamoDB): a symbol and interval's conditions kept whole, written only at the version read. */
import { describe, expect, it } from "vitest"
import { anomalyDetected } from "@blockchaincore/core/events/DomainEvent"
import type { AlertConditions, Condition } from "@blockchaincore/core/ports/AlertConditions"
import type { AnomalyRule } from "@blockchaincore/core/events/DomainEvent"
import { candleAt } from "../builders.ts"
import { type Fresh, outcomeOf, run, withFresh } from "./freshStore.ts"

const T0 = Date.UTC(2024, 7, 8, 23, 0)
const condition = (rule: AnomalyRule, firing: boolean): Condition => ({
  state: { firing, lastFiredOpenTime: T0, lastAlertAt: T0 + 60_000, notified: firing },
  anomaly: anomalyDetected({ candle: candleAt("BTCUSDT", T0), rule, severity: "high", metrics: { change: 0.2 }, threshold: 0.05 })
})

export const alertConditionsContract = (adapter: string, fresh: () => Promise<Fresh<AlertConditions["Service"]>>) =>
  describe(`the alert conditions contract: ${adapter}`, () => {
    it(
      "has none, at version 0, for a symbol and interval never written",
      withFresh(fresh, async (store) => {
        expect(await run(store.load("BTCUSDT", "1m"))).toEqual({ version: 0, conditions: new Map() })
      })
    )

    it(
      "gives back every rule's condition whole, at the next version, per symbol and interval",
      withFresh(fresh, async (store) => {
        const conditions = new Map([
          ["price_movement", condition("price_movement", true)],
          ["volume_spike", condition("volume_spike", false)]
        ] as const)
        await run(store.save("BTCUSDT", "1m", conditions, 0))
        expect(await run(store.load("BTCUSDT", "1m"))).toEqual({ version: 1, conditions })
        expect(await run(store.load("BTCUSDT", "5m"))).toEqual({ version: 0, conditions: new Map() })
        expect(await run(store.load("ETHUSDT", "1m"))).toEqual({ version: 0, conditions: new Map() })
        const fewer = new Map([["volume_spike", condition("volume_spike", true)]] as const)
        await run(store.save("BTCUSDT", "1m", fewer, 1))
        expect(await run(store.load("BTCUSDT", "1m"))).toEqual({ version: 2, conditions: fewer })
      })
    )

    it(
      "refuses a stale write, so two deliveries of one anomaly cannot both alert",
      withFresh(fresh, async (store) => {
        await run(store.save("BTCUSDT", "1m", new Map([["price_movement", condition("price_movement", true)]]), 0))
        expect(await outcomeOf(store.save("BTCUSDT", "1m", new Map(), 0))).toBe("VersionConflict")
        expect((await run(store.load("BTCUSDT", "1m"))).conditions.size).toBe(1)
      })
    )
  })
