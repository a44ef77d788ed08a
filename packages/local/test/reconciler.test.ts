/**
 * The reconciliation service on the local store and bus, against an exchange that disagrees:
 * each differing window is reported with both rows, a window only one side has included, and an
 * hour that is still provisional is not compared at all.
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Fiber, Layer, Metric } from "effect"
import { TestClock } from "effect/testing"
import { expect, it } from "@effect/vitest"
import type { Candle } from "@blockchaincore/core/candle/Candle"
import { candleClosed } from "@blockchaincore/core/events/DomainEvent"
import { CandleStore } from "@blockchaincore/core/ports/CandleStore"
import { ExchangeKlines } from "@blockchaincore/core/ports/ExchangeKlines"
import { Reconciler, reconciliationMismatches, reconciliationRepaired } from "@blockchaincore/services/reconciliation/Reconciler"
import { CandleEngine } from "@blockchaincore/core/candle/CandleEngine"
import { layerCandleRepairs } from "@blockchaincore/core/ports/CandleRepairs"
import { trade as tradeOf } from "@blockchaincore/testkit/builders"
import { InProcessEventBus } from "../src/memory/InProcessEventBus.ts"
import { layerSqliteCandleStore } from "../src/sqlite/SqliteCandleStore.ts"

const HOUR0 = Date.UTC(2024, 7, 8, 23)
const M = 60_000

const trade = (id: number, time: number, price: bigint) => tradeOf(id, time, { price })

const minute = (i: number, close: bigint, trades = 3): Candle => ({
  symbol: "BTCUSDT",
  interval: "1m",
  openTime: HOUR0 + i * M,
  open: close,
  high: close,
  low: close,
  close,
  volume: 100_000_000n,
  closeTime: HOUR0 + (i + 1) * M - 1,
  quoteVolume: close * 100_000_000n,
  trades,
  takerBuyBaseVolume: 0n,
  takerBuyQuoteVolume: 0n,
  ignore: "0",
  firstTradeId: 10 * i,
  lastTradeId: 10 * i + trades - 1,
  complete: true
})
const hour = (complete: boolean): Candle => ({ ...minute(0, 6_000_000_000_000n), interval: "1h", closeTime: HOUR0 + 60 * M - 1, complete })

const ours = [minute(0, 6_000_000_000_000n), minute(1, 6_001_000_000_000n), minute(2, 6_002_000_000_000n)]
// Binance: the same first minute, another close in the second, and no third (say, a halt) but a
// fourth; and its database has moved past the hour (the next hour's first minute).
const theirs = [ours[0]!, minute(1, 6_001_500_000_000n), minute(3, 6_003_000_000_000n), minute(60, 6_004_000_000_000n)]

it.effect("reports each window that differs from the exchange's, with both rows, and skips a provisional hour", () =>
  Effect.gen(function* () {
    const exchange = Layer.succeed(
      ExchangeKlines,
      ExchangeKlines.of({
        klines: (_s, interval, start, end) => Effect.succeed(theirs.filter((c) => c.interval === interval && c.openTime >= start && c.openTime <= end)),
        trades: () => Effect.succeed([])
      })
    )
    const ports = Layer.mergeAll(
      layerSqliteCandleStore(join(mkdtempSync(join(tmpdir(), "blockchaincore-reconciler-")), "candles.sqlite")),
      InProcessEventBus.layer({ keepHistory: true }),
      exchange
    )
    const { events, mismatches } = yield* Effect.gen(function* () {
      yield* (yield* CandleStore).putCandles(ours)
      const reconciler = yield* Reconciler
      yield* reconciler.onCandle(candleClosed(hour(false)))
      yield* reconciler.onCandle(candleClosed(hour(true)))
      return { events: (yield* InProcessEventBus).published, mismatches: (yield* Metric.value(reconciliationMismatches)).count }
    }).pipe(Effect.provide(Reconciler.layer.pipe(Layer.provideMerge(Layer.provideMerge(layerCandleRepairs, ports)))))
    expect(events.map((e) => e._tag)).toEqual(["CandleRetracted", "HourReconciled"])
    const event = events.find((e) => e._tag === "HourReconciled")
    expect(event?._tag === "HourReconciled" && event.differences.map((d) => [(d.openTime - HOUR0) / M, d.ours?.[4] ?? null, d.theirs?.[4] ?? null])).toEqual([
      [1, "60010.00000000", "60015.00000000"],
      [2, "60020.00000000", null],
      [3, null, "60030.00000000"]
    ])
    // The windows either side has: 0 to 3.
    expect(event?._tag === "HourReconciled" && event.windows).toBe(4)
    expect(mismatches).toBe(3)
    // Without the exchange's trades, only the window it has neither kline nor trade for is repaired: removed.
    expect(event?._tag === "HourReconciled" && event.repaired).toEqual([HOUR0 + 2 * M])
  })
)

it.effect("waits for the exchange's lagging database to move past the hour, and compares only from our first window", () =>
  Effect.gen(function* () {
    // Our hour starts at its second minute (a cold start); the exchange's database reaches minute 2 at first.
    const mine = [ours[1]!, ours[2]!]
    const exchangeHas = [ours[0]!, ours[1]!, ours[2]!, minute(60, 6_004_000_000_000n)]
    let asks = 0
    const exchange = Layer.succeed(
      ExchangeKlines,
      ExchangeKlines.of({
        klines: (_s, interval, start, end) =>
          Effect.sync(() => (interval === "1m" ? exchangeHas.slice(0, ++asks < 3 ? 2 : 4) : []).filter((c) => c.openTime >= start && c.openTime <= end)),
        trades: () => Effect.succeed([])
      })
    )
    const ports = Layer.mergeAll(
      layerSqliteCandleStore(join(mkdtempSync(join(tmpdir(), "blockchaincore-reconciler-")), "candles.sqlite")),
      InProcessEventBus.layer({ keepHistory: true }),
      exchange
    )
    const events = yield* Effect.gen(function* () {
      yield* (yield* CandleStore).putCandles(mine)
      const reconciler = yield* Reconciler
      const compared = yield* Effect.forkChild(reconciler.onCandle(candleClosed(hour(true))))
      // Asked again after about 2 s, then 4 s (jittered): the third answer has moved past the hour.
      yield* TestClock.adjust("10 seconds")
      yield* Fiber.join(compared)
      return (yield* InProcessEventBus).published
    }).pipe(Effect.provide(Reconciler.layer.pipe(Layer.provideMerge(Layer.provideMerge(layerCandleRepairs, ports)))))
    expect(asks).toBe(3)
    expect(events.map((e) => e._tag === "HourReconciled" && [e.windows, e.differences.length])).toEqual([[2, 0]])
  })
)

it.effect("repairs a window the exchange contradicts from its trades, and removes one it has no kline and no trade for", () =>
  Effect.gen(function* () {
    // Binance's trades of 23:01 (ours missed the last two) make its kline; 23:02 is ours only: a halt's minute.
    const exchangeTrades = [
      trade(10, HOUR0 + M + 1_000, 6_001_000_000_000n),
      trade(11, HOUR0 + M + 2_000, 6_001_200_000_000n),
      trade(12, HOUR0 + M + 3_000, 6_001_500_000_000n)
    ]
    const engine = new CandleEngine({ intervals: ["1m"], graceMillis: 0 })
    for (const t of exchangeTrades) engine.apply(t)
    engine.flush()
    const theirMinute = engine.drain().flatMap((o) => (o._tag === "CandleClosed" ? [o.candle] : []))[0]!
    const mine = [ours[0]!, { ...theirMinute, close: 6_001_000_000_000n, trades: 1, lastTradeId: 10, complete: true }, minute(2, 6_001_000_000_000n, 0)]
    const exchangeHas = [ours[0]!, theirMinute, minute(60, 6_004_000_000_000n)]
    const exchange = Layer.succeed(
      ExchangeKlines,
      ExchangeKlines.of({
        klines: (_s, interval, start, end) => Effect.succeed(interval === "1m" ? exchangeHas.filter((c) => c.openTime >= start && c.openTime <= end) : []),
        trades: (_s, start, end) => Effect.succeed(exchangeTrades.filter((t) => t.time >= start && t.time <= end))
      })
    )
    const ports = Layer.mergeAll(
      layerSqliteCandleStore(join(mkdtempSync(join(tmpdir(), "blockchaincore-reconciler-")), "candles.sqlite")),
      InProcessEventBus.layer({ keepHistory: true }),
      exchange
    )
    const { events, stored, repairedCount } = yield* Effect.gen(function* () {
      const store = yield* CandleStore
      yield* store.putCandles(mine)
      yield* (yield* Reconciler).onCandle(candleClosed(hour(true)))
      return {
        events: (yield* InProcessEventBus).published,
        stored: yield* store.candles({ symbol: "BTCUSDT", interval: "1m", startTime: HOUR0, endTime: HOUR0 + 60 * M - 1, limit: 60 }),
        repairedCount: (yield* Metric.value(reconciliationRepaired)).count
      }
    }).pipe(Effect.provide(Reconciler.layer.pipe(Layer.provideMerge(Layer.provideMerge(layerCandleRepairs, ports)))))
    expect(stored.map((c) => [(c.openTime - HOUR0) / M, c.trades, c.close])).toEqual([
      [0, 3, 6_000_000_000_000n],
      [1, 3, 6_001_500_000_000n]
    ])
    expect(stored[1]).toMatchObject({ firstTradeId: 10, lastTradeId: 12, complete: true })
    expect(events.map((e) => e._tag)).toEqual(["CandleRevised", "CandleRetracted", "HourReconciled"])
    const reconciled = events.find((e) => e._tag === "HourReconciled")
    expect(reconciled?._tag === "HourReconciled" && reconciled.repaired).toEqual([HOUR0 + M, HOUR0 + 2 * M])
    expect(repairedCount).toBeGreaterThanOrEqual(2)
  })
)

it.effect("compares each hour again a day later, when the exchange has long settled", () =>
  Effect.gen(function* () {
    const DAY = 24 * 60 * M
    const yesterday = (c: Candle): Candle => ({ ...c, openTime: c.openTime - DAY, closeTime: c.closeTime - DAY })
    // Today's hour agrees; yesterday's had a minute Binance's klines (settled since) have otherwise.
    const exchangeHas = [
      ...ours,
      minute(60, 6_004_000_000_000n),
      ...ours.map(yesterday).map((c, i) => (i === 1 ? { ...c, close: 6_009_000_000_000n } : c)),
      yesterday(minute(60, 6_004_000_000_000n))
    ]
    const exchange = Layer.succeed(
      ExchangeKlines,
      ExchangeKlines.of({
        klines: (_s, interval, start, end) => Effect.succeed(exchangeHas.filter((c) => c.interval === interval && c.openTime >= start && c.openTime <= end)),
        trades: () => Effect.succeed([])
      })
    )
    const ports = Layer.mergeAll(
      layerSqliteCandleStore(join(mkdtempSync(join(tmpdir(), "blockchaincore-reconciler-")), "candles.sqlite")),
      InProcessEventBus.layer({ keepHistory: true }),
      exchange
    )
    const events = yield* Effect.gen(function* () {
      yield* (yield* CandleStore).putCandles([...ours, ...ours.map(yesterday)])
      yield* (yield* Reconciler).onCandle(candleClosed(hour(true)))
      return (yield* InProcessEventBus).published
    }).pipe(Effect.provide(Reconciler.layer.pipe(Layer.provideMerge(Layer.provideMerge(layerCandleRepairs, ports)))))
    expect(
      events.flatMap((e) => (e._tag === "HourReconciled" ? [[(e.openTime - HOUR0) / M, e.differences.map((d) => (d.openTime - e.openTime) / M)]] : []))
    ).toEqual([
      [0, []],
      [-24 * 60, [1]]
    ])
  })
)

it.effect("compares the hour's 5m, 15m and 1h windows too, and takes the exchange's where they differ", () =>
  Effect.gen(function* () {
    // A cold start's 1h seeded with the exchange's 1m klines summed, where Binance rounds its own sum once: one digit apart.
    const ourHour = { ...hour(true), quoteVolume: 6_000_000_000_000n * 100_000_000n + 100_000_000n }
    const theirHour = hour(true)
    const exchange = Layer.succeed(
      ExchangeKlines,
      ExchangeKlines.of({
        klines: (_s, interval, start, end) =>
          Effect.succeed(
            [...ours, minute(60, 6_004_000_000_000n), theirHour].filter((c) => c.interval === interval && c.openTime >= start && c.openTime <= end)
          ),
        trades: () => Effect.succeed([])
      })
    )
    const ports = Layer.mergeAll(
      layerSqliteCandleStore(join(mkdtempSync(join(tmpdir(), "blockchaincore-reconciler-")), "candles.sqlite")),
      InProcessEventBus.layer({ keepHistory: true }),
      exchange
    )
    const stored = yield* Effect.gen(function* () {
      const store = yield* CandleStore
      yield* store.putCandles([...ours, ourHour])
      yield* (yield* Reconciler).onCandle(candleClosed(ourHour))
      return yield* store.candles({ symbol: "BTCUSDT", interval: "1h", startTime: HOUR0, endTime: HOUR0, limit: 1 })
    }).pipe(Effect.provide(Reconciler.layer.pipe(Layer.provideMerge(Layer.provideMerge(layerCandleRepairs, ports)))))
    expect(stored.map((c) => c.quoteVolume)).toEqual([theirHour.quoteVolume])
  })
)
