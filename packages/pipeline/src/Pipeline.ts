/**
 * The pipeline, composed once. Both runtimes run exactly these stages over their own ports; a
 * runtime supplies only the adapters and the entry points that move a batch or an event from
 * one stage to the next:
 *
 *   Binance ─frames─▶ produce ─TradeBatch─▶ [TradeQueue] ─▶ enrich ─▶ process ─DomainEvent─▶ [EventBus] ─▶ consume (each consumer)
 *
 *   stage     locally (one process)                            on AWS
 *   produce   LocalRuntime's producer (local/runtime)         the Fargate task (aws/producer/ProducerTask.ts)
 *   enrich    the local pipe (local/runtime/LocalPipe.ts)     the pipe's enrichment function (aws/pipe/EnrichmentStep.ts)
 *   process   the local pipe                                  the pipe's target function (aws/pipe/ProcessorTarget.ts)
 *   consume   a fiber per consumer on the in-process bus      a function per consumer, behind its rule (aws/consumers)
 *
 * Each stage is timed as its hop (core/tracing/Hops.ts) and continues the batch's trace; what a
 * stage does (the warm start, where instruments come from) is decided here, so it is the same on
 * both runtimes. `produce` is in ProduceStage.ts, beside this file: the pipe's and the consumers'
 * functions import this one, and would otherwise bundle the producer and its WebSocket client.
 */
import { Effect, Layer } from "effect"
import type { DomainEvent } from "@blockchaincore/core/events/DomainEvent"
import { timedHop } from "@blockchaincore/observability/HopTiming"
import type { TraceParent } from "@blockchaincore/core/tracing/TraceParent"
import type { EnrichedTradeBatch } from "@blockchaincore/core/trade/EnrichedTradeBatch"
import type { TradeBatch } from "@blockchaincore/core/trade/TradeBatch"
import type { EventHandler } from "@blockchaincore/services/consumers/ConsumerDeclaration"
import { defaultEnrichment, Enricher } from "@blockchaincore/services/enrichment/Enricher"
import { Processor } from "@blockchaincore/services/processor/Processor"
import { loadInstruments } from "@blockchaincore/binance/instruments/Instruments"

/**
 * Enrichment with the instruments of `symbols` from the best source there is (Instruments.ts);
 * `cacheFile` keeps Binance's answer for a start when it does not answer.
 */
export const enrichment = (symbols: ReadonlyArray<string> | "all", cacheFile: string | undefined) =>
  Layer.unwrap(Effect.map(loadInstruments(symbols, cacheFile), ({ instruments }) => Enricher.layer(defaultEnrichment(instruments))))

/** The queue → enrichment: one batch, its repeats dropped, its instruments and large trades added. */
export const enrich = (batch: TradeBatch, traceparent: TraceParent | undefined) =>
  Effect.gen(function* () {
    return yield* timedHop("enrich", traceparent, (yield* Enricher).enrich(batch))
  })

/** Enrichment → the processor → the bus: candles and state stored, trades staged, events published. */
export const process = (enriched: EnrichedTradeBatch, traceparent: TraceParent | undefined) =>
  Effect.gen(function* () {
    return yield* timedHop("process", traceparent, (yield* Processor).process(enriched))
  })

/** The bus → one consumer: its handling of one event, in the trace of the batch that published it. */
export const consume = (consumer: string, handle: EventHandler) => (event: DomainEvent, traceparent: TraceParent | undefined) =>
  timedHop("consume", traceparent, handle(event), { consumer })
