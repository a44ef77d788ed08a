/**
 * The pipeline's first stage (Pipeline.ts has them all): Binance → the trades queue. The producer,
 * resumed where the processor's stored state stands, and, live, the warm start; both runtimes run
 * exactly this.
 */
import { Effect } from "effect"
import { warmStart } from "@blockchaincore/backfill/warmStart/WarmStart"
import { ExchangeRest } from "@blockchaincore/binance/rest/BinanceRest"
import type { AnomalyConfig } from "@blockchaincore/core/anomaly/AnomalyConfig"
import { CandleStore } from "@blockchaincore/core/ports/CandleStore"
import { type ProducerRun, runResumedProducer } from "@blockchaincore/producer/ResumedProducer"
import { DEFAULT_ENGINE } from "@blockchaincore/services/processor/Processor"

export interface ProduceRun extends ProducerRun {
  /**
   * Live, the anomaly rules' history is filled from Binance's klines in the background, into
   * `candles`, by `config`'s lookbacks; a replay's candles are another day's, so it has none.
   */
  readonly warmStart?: { readonly config: AnomalyConfig; readonly candles: CandleStore["Service"] }
}

/** Binance → the trades queue: the producer, resumed where the processor's state stands, and the warm start. */
export const produce = Effect.fnUntraced(function* (run: ProduceRun) {
  const warm = run.warmStart
  if (warm !== undefined) {
    yield* Effect.forkScoped(
      warmStart(yield* ExchangeRest, run.symbols, DEFAULT_ENGINE.intervals, warm.config).pipe(Effect.provideService(CandleStore, warm.candles))
    )
  }
  return yield* runResumedProducer(run)
})
