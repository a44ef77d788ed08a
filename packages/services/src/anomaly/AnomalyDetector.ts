/**
 * The anomaly service: on each `CandleClosed`, the rules on that symbol's history of the interval
 * (read from the candle store, not from the order events arrive in), and an `AnomalyDetected`
 * for each rule that fires. Event ids are derived from the candle and rule, so a repeated
 * delivery yields the same events, which consumers recognise.
 */
import { Context, Effect, Layer } from "effect"
import { historyNeeded, settingsFor } from "@blockchaincore/core/anomaly/AnomalyConfig"
import { AnomalySettings } from "@blockchaincore/core/anomaly/AnomalySettings"
import { evaluate } from "@blockchaincore/core/anomaly/AnomalyRules"
import { anomalyDetected, type AnomalyDetected, type CandleClosed } from "@blockchaincore/core/events/DomainEvent"
import { type BusUnavailable, EventBus } from "@blockchaincore/core/ports/EventBus"
import { CandleStore } from "@blockchaincore/core/ports/CandleStore"
import { type StoreUnavailable } from "@blockchaincore/core/ports/StoreErrors"

export class AnomalyDetector extends Context.Service<
  AnomalyDetector,
  {
    readonly onCandleClosed: (event: CandleClosed) => Effect.Effect<ReadonlyArray<AnomalyDetected>, StoreUnavailable | BusUnavailable>
  }
>()("@blockchaincore/services/anomaly/AnomalyDetector") {
  /** The rules with the deployment's settings (AnomalySettings), per symbol and interval. */
  static readonly layer = Layer.effect(
    AnomalyDetector,
    Effect.gen(function* () {
      const config = yield* AnomalySettings
      const store = yield* CandleStore
      const bus = yield* EventBus
      return AnomalyDetector.of({
        onCandleClosed: Effect.fn("AnomalyDetector.onCandleClosed")(function* (event: CandleClosed) {
          const { candle } = event
          const settings = settingsFor(config, candle.symbol, candle.interval)
          const stored = yield* store.candles({
            symbol: candle.symbol,
            interval: candle.interval,
            endTime: candle.openTime - 1,
            limit: historyNeeded(settings)
          })
          // The event's own candle is the one judged, whatever the store holds for it by now.
          const history = [...stored, candle]
          const anomalies = evaluate(history, settings).map((f) => anomalyDetected({ ...f, metrics: { ...f.metrics }, candle }))
          if (anomalies.length > 0) yield* bus.publish(anomalies)
          return anomalies
        })
      })
    })
  )
}
