/**
 * The local runtime's anomalies, alerts and alert conditions in SQLite: what a process wrote is
 * there for the next one on the same file, each event once; a firing condition does not alert
 * again after a restart; history and conditions are kept as long as on AWS (a month, a week), on
 * Effect's TestClock (it.effect's clock).
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect, it } from "@effect/vitest"
import { alertSent, anomalyDetected } from "@blockchaincore/core/events/DomainEvent"
import { AlertConditions, CONDITION_RETENTION_MILLIS, EMPTY_GROUP } from "@blockchaincore/core/ports/AlertConditions"
import { EventHistory, HISTORY_RETENTION_MILLIS } from "@blockchaincore/core/ports/EventHistory"
import { Notifier } from "@blockchaincore/core/ports/Notifier"
import { Alerter } from "@blockchaincore/services/alert/Alerter"
import { InProcessEventBus } from "../src/memory/InProcessEventBus.ts"
import { layerSqliteAlertConditions } from "../src/sqlite/SqliteAlertConditions.ts"
import { KEPT, layerSqliteEventHistory } from "../src/sqlite/SqliteEventHistory.ts"
import { candleAt } from "@blockchaincore/testkit/builders"

const T0 = Date.UTC(2024, 7, 9, 0, 0)
const M = 60_000
const jump = (openTime: number) =>
  anomalyDetected({ candle: candleAt("BTCUSDT", openTime), rule: "price_movement", severity: "high", metrics: { change: 0.2 }, threshold: 0.05 })
const file = () => join(mkdtempSync(join(tmpdir(), "blockchaincore-history-")), "history.sqlite")

/** One process's life: its layer is built, `body` runs, and its files are closed. */
const lifeOn = <A, E, R>(layer: Layer.Layer<R, unknown>, body: Effect.Effect<A, E, R>) => Effect.scoped(Effect.provide(body, layer))

const ports = (path: string) => Layer.mergeAll(layerSqliteEventHistory(path), layerSqliteAlertConditions(path))

describe("local history in SQLite", () => {
  it.effect("lists after a restart what it listed before, each event once", () =>
    Effect.gen(function* () {
      const path = file()
      const anomaly = jump(T0)
      const alert = alertSent({
        anomalyId: anomaly.id,
        symbol: "BTCUSDT",
        interval: "1m",
        rule: "price_movement",
        state: "firing",
        channel: "terminal",
        sentAt: T0 + M - 1
      })
      yield* lifeOn(
        ports(path),
        Effect.gen(function* () {
          const history = yield* EventHistory
          for (const event of [anomaly, alert, anomaly, alert]) yield* history.record(event)
        })
      )
      const listed = yield* lifeOn(
        ports(path),
        Effect.gen(function* () {
          const history = yield* EventHistory
          return { anomalies: yield* history.anomalies(10), alerts: yield* history.alerts(10) }
        })
      )
      expect(listed).toEqual({ anomalies: [anomaly], alerts: [alert] })
    })
  )

  it.effect("keeps a month of history and at most the newest thousand of each kind", () =>
    Effect.gen(function* () {
      const listed = yield* lifeOn(
        ports(file()),
        Effect.gen(function* () {
          const history = yield* EventHistory
          yield* history.record(jump(T0))
          yield* TestClock.adjust(HISTORY_RETENTION_MILLIS + 1)
          for (let i = 1; i <= KEPT + 5; i++) yield* history.record(jump(T0 + i * M))
          return yield* history.anomalies(KEPT + 10)
        })
      )
      expect(listed).toHaveLength(KEPT)
      expect(listed[0]?.candle.openTime).toBe(T0 + (KEPT + 5) * M)
      expect(listed.at(-1)?.candle.openTime).toBe(T0 + 6 * M)
    })
  )

  it.effect("keeps a firing condition across a restart, so a redelivered or repeated finding does not alert again", () =>
    Effect.gen(function* () {
      const path = file()
      const sent: Array<string> = []
      const notifier = Layer.succeed(Notifier, Notifier.of({ channel: "test", notify: (n) => Effect.sync(() => void sent.push(n.subject)) }))
      const alerter = (p: string) => Alerter.layer().pipe(Layer.provideMerge(Layer.mergeAll(ports(p), notifier, InProcessEventBus.layer())))
      yield* lifeOn(
        alerter(path),
        Alerter.use((a) => a.onAnomaly(jump(T0)))
      )
      expect(sent).toHaveLength(1)
      // The next process: the same anomaly delivered again, and the rule firing on the next candle.
      yield* lifeOn(
        alerter(path),
        Effect.gen(function* () {
          const alerts = yield* Alerter
          yield* alerts.onAnomaly(jump(T0))
          yield* alerts.onAnomaly(jump(T0 + M))
        })
      )
      expect(sent).toHaveLength(1)
    })
  )

  it.effect("forgets a symbol and interval's conditions a week after their last write, as DynamoDB's TTL does", () =>
    Effect.gen(function* () {
      const [kept, forgotten] = yield* lifeOn(
        ports(file()),
        Effect.gen(function* () {
          const conditions = yield* AlertConditions
          const anomaly = jump(T0)
          yield* conditions.save(
            "BTCUSDT",
            "1m",
            new Map([["price_movement", { state: { firing: true, lastFiredOpenTime: T0, lastAlertAt: T0, notified: true }, anomaly }]]),
            0
          )
          yield* TestClock.adjust(CONDITION_RETENTION_MILLIS - 1)
          const kept = yield* conditions.load("BTCUSDT", "1m")
          yield* TestClock.adjust(2)
          return [kept, yield* conditions.load("BTCUSDT", "1m")] as const
        })
      )
      expect(kept.version).toBe(1)
      expect(kept.conditions.get("price_movement")?.state.firing).toBe(true)
      expect(forgotten).toEqual(EMPTY_GROUP)
    })
  )
})
