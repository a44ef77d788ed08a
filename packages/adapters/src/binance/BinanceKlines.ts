/** `ExchangeKlines` on Binance's REST API (or a stand-in at `baseUrl`), through the process's outbound client. */
import { Effect, Layer } from "effect"
import { HttpClient } from "effect/http"
import { ExchangeKlines, ExchangeUnavailable } from "@blockchaincore/core/ports/ExchangeKlines"
import { BinanceRest, DEFAULT_REST } from "./BinanceRest.ts"

export const layerBinanceKlines = (baseUrl: string): Layer.Layer<ExchangeKlines, never, HttpClient.HttpClient> =>
  Layer.effect(
    ExchangeKlines,
    Effect.map(HttpClient.HttpClient, (client) => {
      const rest = new BinanceRest({ ...DEFAULT_REST, baseUrl }, client)
      return ExchangeKlines.of({
        klines: (symbol, interval, startTime, endTime) =>
          rest.klinesBetween(symbol, interval, startTime, endTime).pipe(Effect.mapError((e) => new ExchangeUnavailable({ message: `${e.url}: ${e.message}` })))
      })
    })
  )
