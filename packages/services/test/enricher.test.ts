/** Enrichment over its port: drops what the processor applied, adds instruments and large trades. */
import { expect, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import { BUNDLED_EXCHANGE_INFO } from "@blockchaincore/binance/instruments/bundledExchangeInfo"
import { ExchangeInfo, instrumentsOf } from "@blockchaincore/binance/instruments/ExchangeInfo"
import { EngineStateStore } from "@blockchaincore/core/ports/EngineStateStore"
import type { TradeBatch } from "@blockchaincore/core/trade/TradeBatch"
import { defaultEnrichment, Enricher } from "@blockchaincore/services/enrichment/Enricher"
import { memoryEngineStateStore } from "@blockchaincore/testkit/memoryStores"

const U = 100_000_000n
const T = 1_723_161_255_000

it.effect("drops applied trades (keeping gap fills), names the instrument, flags large trades", () =>
  Effect.gen(function* () {
    const instruments = instrumentsOf(Schema.decodeUnknownSync(ExchangeInfo)(BUNDLED_EXCHANGE_INFO))
    const layer = Enricher.layer(defaultEnrichment(instruments)).pipe(Layer.provideMerge(memoryEngineStateStore()))
    const batch: TradeBatch = {
      shard: 0,
      epoch: 1,
      symbols: [
        {
          symbol: "BTCUSDT",
          watermark: T + 10,
          trades: [
            [100, 60_000n * U, U / 10n, T, false], // applied already
            [103, 60_000n * U, U / 10n, T + 1, false], // inside the open gap 102..104: a fill
            [110, 60_000n * U, 2n * U, T + 2, true] // new, and 120,000 USDT: large
          ]
        }
      ]
    }
    const enriched = yield* Effect.gen(function* () {
      const store = yield* EngineStateStore
      const state = {
        symbol: "BTCUSDT",
        highestId: 105,
        lastTradeTime: T,
        watermark: T,
        confirmedThrough: -1,
        haltedSince: -1,
        gaps: [{ symbol: "BTCUSDT", fromId: 102, toId: 104, fromTime: T, toTime: T }],
        minute: { interval: "1m" as const, open: [], closed: [], nextOpenTime: -1, lastClose: 0n },
        rollups: []
      }
      yield* store.saveState("BTCUSDT", state, 0)
      return yield* Enricher.use((e) => e.enrich(batch))
    }).pipe(Effect.provide(layer))
    expect(enriched.batch.symbols[0]!.trades.map((t) => t[0])).toEqual([103, 110])
    expect(enriched.dropped).toBe(1)
    expect(enriched.instruments).toEqual([{ symbol: "BTCUSDT", baseAsset: "BTC", quoteAsset: "USDT", tickSize: 1_000_000n, stepSize: 1_000n }])
    expect(enriched.largeTrades).toEqual([{ symbol: "BTCUSDT", id: 110, notional: 60_000n * U * 2n * U }])
  })
)

it.effect("keeps the trades before a cold start's first while its opening is awaited: the opening may come in an earlier message of the same pipe batch", () =>
  Effect.gen(function* () {
    const layer = Enricher.layer(defaultEnrichment([])).pipe(Layer.provideMerge(memoryEngineStateStore()))
    // The engine applied 200..205 and waits to learn where the first minute begins; this message carries trades 190..199, filled from REST.
    const batch: TradeBatch = {
      shard: 0,
      epoch: 1,
      symbols: [
        {
          symbol: "BTCUSDT",
          watermark: T,
          trades: [
            [190, 60_000n * U, U, T - 9, false],
            [199, 60_000n * U, U, T - 1, false],
            [204, 60_000n * U, U, T + 4, false]
          ]
        }
      ]
    }
    const enriched = yield* Effect.gen(function* () {
      const store = yield* EngineStateStore
      const state = {
        symbol: "BTCUSDT",
        highestId: 205,
        lastTradeTime: T + 5,
        watermark: T + 5,
        confirmedThrough: -1,
        haltedSince: -1,
        gaps: [],
        unknownStart: { beforeId: 200, minuteOpen: T - (T % 60_000), time: T },
        minute: { interval: "1m" as const, open: [], closed: [], nextOpenTime: -1, lastClose: 0n },
        rollups: []
      }
      yield* store.saveState("BTCUSDT", state, 0)
      return yield* Enricher.use((e) => e.enrich(batch))
    }).pipe(Effect.provide(layer))
    expect(enriched.batch.symbols[0]!.trades.map((t) => t[0])).toEqual([190, 199])
  })
)
