/**
 * A function's one REST client to Binance (its weight limit is per IP): at `BINANCE_REST_URL` (a
 * stand-in speaking Binance's protocol, in tests), or Binance's. An unreadable URL fails the
 * layer, naming the variable.
 */
import type { Config } from "effect"
import { Effect, Layer, Result, Schema } from "effect"
import { DEFAULT_REST, ExchangeRest } from "@blockchaincore/binance/rest/BinanceRest"
import { OutboundHttp } from "@blockchaincore/adapters/http/OutboundHttp"
import { BINANCE_REST } from "@blockchaincore/binance/Endpoints"
import { HttpUrl } from "@blockchaincore/core/net/Urls"
import { FunctionMisconfigured } from "./HandlerErrors.ts"
import { optionalSetting } from "./FunctionSettings.ts"

export const BINANCE_REST_ENV = "BINANCE_REST_URL"

const restAt = (baseUrl: string) => ExchangeRest.layer({ ...DEFAULT_REST, baseUrl })

export const functionExchangeRest: Layer.Layer<ExchangeRest, FunctionMisconfigured | Config.ConfigError> = Layer.unwrap(
  Effect.gen(function* () {
    const text = yield* optionalSetting(BINANCE_REST_ENV)
    if (text === undefined) return restAt(BINANCE_REST)
    return Result.match(Schema.decodeUnknownResult(HttpUrl)(text), {
      onSuccess: restAt,
      onFailure: (e) => Layer.effect(ExchangeRest, Effect.fail(new FunctionMisconfigured({ message: `${BINANCE_REST_ENV}: ${e.message}` })))
    })
  })
).pipe(Layer.provide(OutboundHttp))
