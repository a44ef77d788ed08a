/** What every event history does (SQLite, DynamoDB): each event once, newest first, reconciliations summed. */
import { describe, expect, it } from "vitest"
import { alertSent, anomalyDetected, hourReconciled } from "@blockchaincore/core/events/DomainEvent"
import type { EventHistory } from "@blockchaincore/core/ports/EventHistory"
import { candleAt } from "../builders.ts"
import { type Fresh, run, withFresh } from "./freshStore.ts"

const T0 = Date.UTC(2024, 7, 8, 23, 0)
const M = 60_000
const anomaly = (minute: number) =>
  anomalyDetected({ candle: candleAt("BTCUSDT", T0 + minute * M), rule: "volume_spike", severity: "medium", metrics: { ratio: 3.2 }, threshold: 3 })
const reconciled = (hour: number, differing: number) =>
  hourReconciled({
    symbol: "BTCUSDT",
    openTime: T0 + hour * 60 * M,
    windows: 60,
    differences: Array.from({ length: differing }, (_, i) => ({ openTime: T0 + hour * 60 * M + i * M, ours: null, theirs: null })),
    checkedAt: T0 + (hour + 1) * 60 * M + 1_000
  })

export const eventHistoryContract = (adapter: string, fresh: () => Promise<Fresh<EventHistory["Service"]>>) =>
  describe(`the event history contract: ${adapter}`, () => {
    it(
      "keeps each event once however often it is recorded, and reads the newest first",
      withFresh(fresh, async (history) => {
        for (const minute of [2, 0, 1, 1]) await run(history.record(anomaly(minute)))
        const alert = alertSent({
          anomalyId: anomaly(1).id,
          symbol: "BTCUSDT",
          interval: "1m",
          rule: "volume_spike",
          state: "firing",
          channel: "sns",
          sentAt: T0 + 2 * M - 1
        })
        await run(history.record(alert))
        await run(history.record(alert))
        expect(await run(history.anomalies(10))).toEqual([anomaly(2), anomaly(1), anomaly(0)])
        expect(await run(history.anomalies(1))).toEqual([anomaly(2)])
        expect(await run(history.alerts(10))).toEqual([alert])
      })
    )

    it(
      "sums the reconciliations: hours compared, windows that differed, the last time; none before the first",
      withFresh(fresh, async (history) => {
        expect(await run(history.reconciliation)).toEqual({ hours: 0, mismatches: 0, lastAt: null })
        await run(history.record(reconciled(0, 0)))
        await run(history.record(reconciled(1, 2)))
        await run(history.record(reconciled(1, 2)))
        expect(await run(history.reconciliation)).toEqual({ hours: 2, mismatches: 2, lastAt: reconciled(1, 2).checkedAt })
        expect(await run(history.anomalies(10))).toEqual([])
      })
    )
  })
