/** The pipe's enrichment function (pipe/EnrichmentStep.ts) on the AWS ports. */
import { Layer, ManagedRuntime, Schema } from "effect"
import { BUNDLED_EXCHANGE_INFO } from "@blockchaincore/core/binance/bundledExchangeInfo"
import { ExchangeInfo, instrumentsOf } from "@blockchaincore/core/binance/Instrument"
import { defaultEnrichment, Enricher } from "@blockchaincore/services/enrichment/Enricher"
import { enrichRecords } from "../pipe/EnrichmentStep.ts"
import { engineStateStoreLayer } from "../runtime/AwsLayers.ts"
import { flushed, functionTracing } from "../runtime/Tracing.ts"

/** Instruments from the bundled exchangeInfo: Binance's REST API refuses requests from some AWS regions. */
const instruments = instrumentsOf(Schema.decodeUnknownSync(ExchangeInfo)(BUNDLED_EXCHANGE_INFO))
const runtime = ManagedRuntime.make(Layer.merge(Enricher.layer(defaultEnrichment(instruments)).pipe(Layer.provide(engineStateStoreLayer)), functionTracing))

export const handler = (event: unknown): Promise<ReadonlyArray<unknown>> => runtime.runPromise(flushed(enrichRecords(event)))
