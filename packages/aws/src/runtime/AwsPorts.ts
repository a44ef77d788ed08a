/**
 * Every port as AWS provides it, with the stage's anomaly settings, for the consumer function: a
 * consumer builds only those its entry takes. Apart from AwsLayers.ts because the webhook pulls in
 * the outbound HTTP client (undici, installed beside the consumer function's bundle, not bundled):
 * the pipe's functions and the API never import it.
 */
import { Config, ConfigProvider, Effect, Layer, Option, Result, Schema } from "effect"
import { ExchangeKlines } from "@blockchaincore/core/ports/ExchangeKlines"
import { layerCandleRepairs } from "@blockchaincore/core/ports/CandleRepairs"
import { ANOMALY_CONFIG_ENV, AnomalySettings, anomalyConfigOf } from "@blockchaincore/core/anomaly/AnomalySettings"
import { Webhook } from "@blockchaincore/core/ports/Webhook"
import { BINANCE_REST, HttpUrl } from "@blockchaincore/core/binance/Endpoints"
import { layerBinanceKlines } from "@blockchaincore/adapters/binance/BinanceKlines"
import { DEFAULT_REST, ExchangeRest } from "@blockchaincore/adapters/binance/BinanceRest"
import { OutboundHttp } from "@blockchaincore/adapters/http/OutboundHttp"
import type { PortLayers } from "@blockchaincore/services/consumers/ConsumerDeclaration"
import { makeWebhookNotifier, webhookOff } from "@blockchaincore/adapters/webhook/WebhookNotifier"
import { alertConditionsLayer, candleStoreLayer, eventBusLayer, eventHistoryLayer, snsNotifierLayer, tradeArchiveLayer } from "./AwsLayers.ts"
import { linkedValue } from "./LinkedResources.ts"
import { FunctionMisconfigured } from "./HandlerErrors.ts"

/**
 * A setting of the function's environment, read through Effect's `Config` when the layer is built
 * (not from the process's first snapshot: a test sets it just before); undefined when unset or empty.
 */
const optionalSetting = (name: string) =>
  Config.String(name)
    .pipe(
      Config.option,
      Config.map((value) => Option.getOrUndefined(Option.filter(value, (text) => text !== "")))
    )
    .parse(ConfigProvider.fromEnv())

/** The `WebhookUrl` secret is "none" until set: the webhook consumer is then off, as it is locally without `--webhook-url`. */
export const webhookLayer = Layer.suspend(() => {
  const url = linkedValue("WebhookUrl")
  return url === "none" || url === ""
    ? Layer.succeed(Webhook, webhookOff("secret WebhookUrl not set"))
    : Layer.effect(Webhook, makeWebhookNotifier(url)).pipe(Layer.provide(OutboundHttp))
})

/** The stage's anomaly settings, in the anomaly function's environment (stacks/events.ts); the defaults without. */
const anomalySettingsLayer = Layer.unwrap(
  Effect.gen(function* () {
    const text = yield* optionalSetting(ANOMALY_CONFIG_ENV)
    if (text === undefined) return AnomalySettings.defaults
    return Result.match(anomalyConfigOf(text, ANOMALY_CONFIG_ENV), {
      onSuccess: AnomalySettings.layer,
      onFailure: (problem) => Layer.effect(AnomalySettings, Effect.fail(new FunctionMisconfigured({ message: `the anomaly settings: ${problem}` })))
    })
  })
)

/** The consumer function's `BINANCE_REST_URL` (a stand-in speaking Binance's protocol, in tests), or Binance's. */
const BINANCE_REST_ENV = "BINANCE_REST_URL"

/** A function's process has one REST client: the reconciliation's. */
const binanceKlinesAt = (baseUrl: string) => layerBinanceKlines.pipe(Layer.provide(ExchangeRest.layer({ ...DEFAULT_REST, baseUrl })))

/** Binance's klines for the reconciliation, at the URL the environment names; an unreadable one fails the layer, naming it. */
const exchangeKlinesLayer = Layer.unwrap(
  Effect.gen(function* () {
    const text = yield* optionalSetting(BINANCE_REST_ENV)
    if (text === undefined) return binanceKlinesAt(BINANCE_REST)
    return Result.match(Schema.decodeUnknownResult(HttpUrl)(text), {
      onSuccess: binanceKlinesAt,
      onFailure: (e) => Layer.effect(ExchangeKlines, Effect.fail(new FunctionMisconfigured({ message: `${BINANCE_REST_ENV}: ${e.message}` })))
    })
  })
).pipe(Layer.provide(OutboundHttp))

/** Each port as AWS provides it; a consumer's function builds only those its entry takes. */
export const AWS_PORTS: PortLayers = {
  AnomalySettings: anomalySettingsLayer,
  AlertConditions: alertConditionsLayer,
  CandleStore: candleStoreLayer,
  CandleRepairs: layerCandleRepairs.pipe(Layer.provide(candleStoreLayer)),
  EventBus: eventBusLayer,
  EventHistory: eventHistoryLayer,
  ExchangeKlines: exchangeKlinesLayer,
  Notifier: snsNotifierLayer,
  TradeArchive: tradeArchiveLayer,
  Webhook: webhookLayer
}
