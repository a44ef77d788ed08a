/**
 * The pipe's enrichment function (pipe/EnrichmentStep.ts) on the AWS ports. The instruments of
 * the stage's symbols (`SYMBOLS`, set by stacks/market.ts: the list, or "*" for all) are asked of
 * Binance at a cold start, as the local runtime asks at its start; where Binance does not answer,
 * the bundled excerpt's.
 */
import { Effect, Layer, ManagedRuntime, Schema } from "effect"
import { SymbolList } from "@blockchaincore/core/trade/SymbolList"
import { enrichment } from "@blockchaincore/pipeline/Pipeline"
import { enrichRecords } from "../pipe/EnrichmentStep.ts"
import { engineStateStoreLayer } from "../runtime/AwsLayers.ts"
import { functionExchangeRest } from "../runtime/FunctionRest.ts"
import { optionalSetting } from "../runtime/FunctionSettings.ts"
import { FunctionMisconfigured } from "../runtime/HandlerErrors.ts"
import { flushed, functionTracing } from "../runtime/Tracing.ts"

const SYMBOLS_ENV = "SYMBOLS"
/** What stacks/market.ts sets above 100 symbols. */
const ALL_SYMBOLS = "*"

/** The stage's symbols, or "*" for every symbol: above 100, Binance is asked for all of them anyway (and a Lambda's environment holds 4 KB). */
const stageSymbols = Effect.gen(function* () {
  const text = yield* optionalSetting(SYMBOLS_ENV)
  if (text === undefined) return []
  if (text === ALL_SYMBOLS) return "all" as const
  return yield* Schema.decodeUnknownEffect(SymbolList)(text).pipe(
    Effect.mapError((e) => new FunctionMisconfigured({ message: `${SYMBOLS_ENV}: ${e.message}` }))
  )
})

const enricher = Layer.unwrap(Effect.map(stageSymbols, (symbols) => enrichment(symbols, undefined))).pipe(
  Layer.provide(Layer.merge(engineStateStoreLayer, functionExchangeRest))
)
const runtime = ManagedRuntime.make(Layer.merge(enricher, functionTracing))

export const handler = (event: unknown): Promise<ReadonlyArray<unknown>> => runtime.runPromise(flushed(enrichRecords(event)))
