/**
 * The process's one Binance REST client keeps one weight budget for every caller: Binance counts
 * weight per IP, so the gap filler, the checks and the warm start draw on the same minute.
 */
import { Effect, Fiber, Layer } from "effect"
import { TestClock } from "effect/testing"
import { expect, it } from "@effect/vitest"
import { startHttp10Peer } from "@blockchaincore/testkit/http10Peer"
import { DEFAULT_REST, ExchangeRest } from "../src/rest/BinanceRest.ts"
import { OutboundHttp } from "@blockchaincore/adapters/http/OutboundHttp"

const TRADES = JSON.stringify([
  { id: 7, price: "61685.99000000", qty: "0.00100000", quoteQty: "61.68599000", time: 1_723_161_255_000, isBuyerMaker: true, isBestMatch: true }
])

it.effect("holds every caller to one budget: a request over this minute's weight waits for the next", () =>
  Effect.gen(function* () {
    const peer = yield* Effect.acquireRelease(
      Effect.promise(() => startHttp10Peer(() => ({ status: 200, body: TRADES }))),
      (p) => Effect.promise(p.close)
    )
    // historicalTrades weighs 25: two fit in a budget of 50, the third does not.
    const layer = ExchangeRest.layer({ ...DEFAULT_REST, baseUrl: peer.url, weightBudget: 50 }).pipe(Layer.provide(OutboundHttp))
    yield* Effect.gen(function* () {
      const rest = yield* ExchangeRest
      const gapFiller = rest.historicalTrades("BTCUSDT", 7, 1)
      const check = rest.historicalTrades("ETHUSDT", 7, 1)
      yield* gapFiller
      yield* check
      const third = yield* Effect.forkChild(rest.historicalTrades("BTCUSDT", 8, 1))
      yield* TestClock.adjust("30 seconds")
      expect(peer.requests).toHaveLength(2)
      yield* TestClock.adjust("30 seconds")
      expect(yield* Fiber.join(third)).toHaveLength(1)
      expect(peer.requests).toHaveLength(3)
    }).pipe(Effect.provide(layer))
  })
)
