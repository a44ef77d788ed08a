/**
 * The pipe's enrichment function: SQS records in, one item per record out, in order. A body that
 * is not a TradeBatch becomes a `malformed` item (logged and counted here) so the processor can
 * report that one message failed without failing its neighbours; a store outage fails the whole
 * invocation, and the pipe retries the batch.
 */
import { Effect, Layer, ManagedRuntime, Schema } from "effect"
import { BUNDLED_EXCHANGE_INFO } from "@blockchaincore/core/binance/bundledExchangeInfo"
import { ExchangeInfo, instrumentsOf } from "@blockchaincore/core/binance/Instrument"
import { EnrichedTradeBatch } from "@blockchaincore/core/trade/EnrichedTradeBatch"
import { defaultEnrichment, Enricher } from "@blockchaincore/services/enrichment/Enricher"
import { oneLine, PipeBatch, type PipeItem, PipeSqsRecord } from "../pipe/PipePayload.ts"
import { candleStoreLayer } from "../runtime/AwsLayers.ts"
import { reportMalformed } from "../runtime/MalformedInput.ts"
import { TradeBatchFromMessageBody } from "../sqs/MessageBody.ts"

const encodeEnriched = Schema.encodeSync(EnrichedTradeBatch)

export const enrichRecords = (event: unknown) =>
  Effect.gen(function*() {
    const records = yield* Schema.decodeUnknownEffect(PipeBatch)(event).pipe(
      Effect.mapError((e) => new Error(`the pipe's enrichment payload is not a list of records: ${oneLine(e)}`))
    )
    const enricher = yield* Enricher
    const out: Array<unknown> = []
    for (const [index, raw] of records.entries()) {
      const record = Schema.decodeUnknownResult(PipeSqsRecord)(raw)
      if (record._tag === "Failure") {
        // Without a messageId the pipe cannot be told which message this was: fail the batch.
        return yield* Effect.fail(new Error(`record ${index} of the pipe's batch is not an SQS record: ${oneLine(record.failure)}`))
      }
      const { messageId, body, attributes } = record.success
      const group = attributes.MessageGroupId ?? ""
      const batch = Schema.decodeUnknownResult(TradeBatchFromMessageBody)(body)
      if (batch._tag === "Failure") {
        const reason = `message ${messageId} (record ${index}, group ${group}): body is not a TradeBatch: ${oneLine(batch.failure)}`
        yield* reportMalformed("enrichment", reason)
        out.push({ messageId, group, malformed: reason } satisfies PipeItem)
        continue
      }
      const enriched = yield* enricher.enrich(batch.success)
      out.push({ messageId, group, enriched: encodeEnriched(enriched) })
    }
    return out
  })

/** Instruments from the bundled exchangeInfo: Binance's REST API refuses requests from some AWS regions. */
const instruments = instrumentsOf(Schema.decodeUnknownSync(ExchangeInfo)(BUNDLED_EXCHANGE_INFO))

const runtime = ManagedRuntime.make(Enricher.layer(defaultEnrichment(instruments)).pipe(Layer.provide(candleStoreLayer)))

export const handler = (event: unknown): Promise<ReadonlyArray<unknown>> => runtime.runPromise(enrichRecords(event))
