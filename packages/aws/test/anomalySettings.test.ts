/**
 * The stage's anomaly settings on AWS: the anomaly function's `ANOMALY_CONFIG` (set by
 * stacks/events.ts from the stage's file) decides its thresholds, as the consumer function runs
 * the registry entry on the AWS ports; a bad value fails the function naming the variable and the
 * field; without it, the defaults.
 */
import { Cause, Effect, Exit, Layer } from "effect"
import { afterEach, describe, expect, it } from "@effect/vitest"
import type { Candle } from "@blockchaincore/core/candle/Candle"
import { type AnomalyDetected, candleClosed, type DomainEvent } from "@blockchaincore/core/events/DomainEvent"
import { CandleStore } from "@blockchaincore/core/ports/CandleStore"
import { EventBus } from "@blockchaincore/core/ports/EventBus"
import { anomalyConsumer } from "@blockchaincore/services/consumers/ConsumerRegistry"
import { AWS_PORTS } from "../src/runtime/AwsPorts.ts"
import { candleAt } from "@blockchaincore/testkit/builders"

const T0 = Date.UTC(2024, 7, 8, 22, 0)
/** Sixty quiet minutes, then one 8% higher: above the default 5%, below a threshold of 10%. */
const history: ReadonlyArray<Candle> = Array.from({ length: 60 }, (_, i) => candleAt("BTCUSDT", T0 + i * 60_000, "60000.00000000"))
const jump = candleAt("BTCUSDT", T0 + 60 * 60_000, "64800.00000000")

const detect = (env: string | undefined) => {
  if (env === undefined) delete process.env["ANOMALY_CONFIG"]
  else process.env["ANOMALY_CONFIG"] = env
  const published: Array<DomainEvent> = []
  const ports = {
    ...AWS_PORTS,
    CandleStore: Layer.succeed(
      CandleStore,
      CandleStore.of({
        putCandles: () => Effect.die("unused"),
        deleteCandles: () => Effect.die("unused"),
        candles: (q) => Effect.succeed(history.filter((c) => c.openTime <= (q.endTime ?? Infinity)).slice(-q.limit)),
        symbols: () => Effect.succeed(["BTCUSDT"])
      })
    ),
    EventBus: Layer.succeed(EventBus, EventBus.of({ publish: (events) => Effect.sync(() => void published.push(...events)) }))
  }
  return Effect.exit(
    Effect.scoped(
      Effect.gen(function* () {
        const handle = yield* anomalyConsumer.handlerOn(ports)
        yield* handle(candleClosed(jump))
        return published.filter((e): e is AnomalyDetected => e._tag === "AnomalyDetected" && e.rule === "price_movement")
      })
    )
  )
}

afterEach(() => {
  delete process.env["ANOMALY_CONFIG"]
})

describe("the anomaly function's settings", () => {
  it.effect("takes the threshold from ANOMALY_CONFIG: an 8% move fires at the default 5%, not at the stage's 10% for BTCUSDT 1m", () =>
    Effect.gen(function* () {
      const byDefault = yield* detect(undefined)
      expect(Exit.isSuccess(byDefault) && byDefault.value.map((a) => [a.threshold, a.severity])).toEqual([[5, "medium"]])
      const staged = yield* detect(JSON.stringify({ overrides: [{ symbol: "BTCUSDT", interval: "1m", settings: { priceMovementPct: 10 } }] }))
      expect(Exit.isSuccess(staged) && staged.value).toEqual([])
      const otherSymbol = yield* detect(JSON.stringify({ overrides: [{ symbol: "ETHUSDT", settings: { priceMovementPct: 10 } }] }))
      expect(Exit.isSuccess(otherSymbol) && otherSymbol.value.map((a) => a.threshold)).toEqual([5])
    })
  )

  it.effect("fails naming the variable and the field when the settings do not decode", () =>
    Effect.gen(function* () {
      const exit = yield* detect(JSON.stringify({ overrides: [{ symbol: "BTCUSDT", settings: { priceMovementPct: "ten" } }] }))
      expect(Exit.isFailure(exit) && Cause.pretty(exit.cause)).toMatch(/ANOMALY_CONFIG: Expected number[\s\S]*\["priceMovementPct"\]/)
    })
  )
})
