/**
 * Every port as AWS provides it, with the stage's anomaly settings, for the consumer function: a
 * consumer builds only those its entry takes. Apart from AwsLayers.ts because the webhook pulls in
 * the outbound HTTP client (undici, installed beside the consumer function's bundle, not bundled):
 * the pipe's functions and the API never import it.
 */
import { Effect, Layer, Result } from "effect"
import { layerCandleRepairs } from "@blockchaincore/core/ports/CandleRepairs"
import { ANOMALY_CONFIG_ENV, AnomalySettings, anomalyConfigOf } from "@blockchaincore/core/anomaly/AnomalySettings"
import { Webhook } from "@blockchaincore/core/ports/Webhook"
import { layerBinanceKlines } from "@blockchaincore/binance/rest/BinanceKlines"
import { OutboundHttp } from "@blockchaincore/adapters/http/OutboundHttp"
import type { PortLayers } from "@blockchaincore/services/consumers/ConsumerDeclaration"
import { makeWebhookNotifier, webhookOff } from "@blockchaincore/adapters/webhook/WebhookNotifier"
import { alertConditionsLayer, candleStoreLayer, eventBusLayer, eventHistoryLayer, snsNotifierLayer, tradeArchiveLayer } from "./AwsLayers.ts"
import { linkedValue } from "./LinkedResources.ts"
import { functionExchangeRest } from "./FunctionRest.ts"
import { optionalSetting } from "./FunctionSettings.ts"
import { FunctionMisconfigured } from "./HandlerErrors.ts"

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

/** Binance's klines for the reconciliation, through the function's one REST client. */
const exchangeKlinesLayer = layerBinanceKlines.pipe(Layer.provide(functionExchangeRest))

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
