/** `ExchangeKlines` on Binance's REST API, through the process's one REST client (`ExchangeRest`). */
import { Effect, Layer } from "effect"
import type { RestAggTrade } from "./RestAggTrade.ts"
import { ExchangeKlines, ExchangeUnavailable } from "@blockchaincore/core/ports/ExchangeKlines"
import type { Trade } from "@blockchaincore/core/trade/Trade"
import { type BinanceRest, ExchangeRest, type RestError } from "./BinanceRest.ts"

const PAGE = 1000

const unavailable = (e: RestError) => new ExchangeUnavailable({ message: `${e.url}: ${e.message}` })

const tradeOf = (symbol: string, a: RestAggTrade): Trade => ({ symbol, firstId: a.f, lastId: a.l, price: a.p, qty: a.q, time: a.T, buyerIsMaker: a.m })

/** A window's aggregate trades: the first page by time, the next ones by id, until past the window. */
const tradesBetween = (rest: BinanceRest, symbol: string, startTime: number, endTime: number) =>
  Effect.gen(function* () {
    const trades: Array<Trade> = []
    let page = yield* rest.aggTradesBetween(symbol, startTime, endTime, PAGE)
    for (;;) {
      for (const a of page) if (a.T <= endTime) trades.push(tradeOf(symbol, a))
      const last = page.at(-1)
      if (page.length < PAGE || last === undefined || last.T > endTime) return trades
      page = yield* rest.aggTradesFrom(symbol, last.a + 1, PAGE)
    }
  })

export const layerBinanceKlines: Layer.Layer<ExchangeKlines, never, ExchangeRest> = Layer.effect(
  ExchangeKlines,
  Effect.gen(function* () {
    const rest = yield* ExchangeRest
    return ExchangeKlines.of({
      klines: (symbol, interval, startTime, endTime) => rest.klinesBetween(symbol, interval, startTime, endTime).pipe(Effect.mapError(unavailable)),
      trades: (symbol, startTime, endTime) => tradesBetween(rest, symbol, startTime, endTime).pipe(Effect.mapError(unavailable))
    })
  })
)
