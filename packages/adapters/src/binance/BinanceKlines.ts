/** `ExchangeKlines` on Binance's REST API, through the process's one REST client (`ExchangeRest`). */
import { Effect, Layer } from "effect"
import { ExchangeKlines, ExchangeUnavailable } from "@blockchaincore/core/ports/ExchangeKlines"
import { ExchangeRest } from "./BinanceRest.ts"

export const layerBinanceKlines: Layer.Layer<ExchangeKlines, never, ExchangeRest> = Layer.effect(
  ExchangeKlines,
  Effect.gen(function*() {
    const rest = yield* ExchangeRest
    return ExchangeKlines.of({
      klines: (symbol, interval, startTime, endTime) =>
        rest.klinesBetween(symbol, interval, startTime, endTime).pipe(Effect.mapError((e) => new ExchangeUnavailable({ message: `${e.url}: ${e.message}` })))
    })
  })
)
