/**
 * Writes to the candle store by the reconciliation, which repairs a final window that the
 * exchange contradicts: a port of its own, so that on AWS only that consumer may write candles
 * beside the processor (stacks/access.ts).
 */
import { Context, Effect, Layer } from "effect"
import type { Candle } from "../candle/Candle.ts"
import { type CandleKey, CandleStore } from "./CandleStore.ts"
import type { StoreUnavailable } from "./StoreErrors.ts"

export class CandleRepairs extends Context.Service<
  CandleRepairs,
  {
    /** Replaces each candle's window with it. */
    readonly putCandles: (candles: ReadonlyArray<Candle>) => Effect.Effect<void, StoreUnavailable>
    /** Removes windows the exchange has no kline for. */
    readonly deleteCandles: (keys: ReadonlyArray<CandleKey>) => Effect.Effect<void, StoreUnavailable>
  }
>()("@blockchaincore/core/ports/CandleRepairs") {}

/** On the candle store's own adapter: the same table or file, written by another hand. */
export const repairsOf = (store: CandleStore["Service"]): CandleRepairs["Service"] =>
  CandleRepairs.of({ putCandles: store.putCandles, deleteCandles: store.deleteCandles })

export const layerCandleRepairs: Layer.Layer<CandleRepairs, never, CandleStore> = Layer.effect(
  CandleRepairs,
  Effect.gen(function* () {
    return repairsOf(yield* CandleStore)
  })
)
