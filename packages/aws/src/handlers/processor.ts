/** The pipe's target function (pipe/ProcessorTarget.ts) on the AWS ports. */
import { Layer, ManagedRuntime } from "effect"
import { DEFAULT_ENGINE, Processor } from "@blockchaincore/services/processor/Processor"
import type { BatchItemFailures } from "../pipe/PipePayload.ts"
import { processItems } from "../pipe/ProcessorTarget.ts"
import { candleStoreLayer, engineStateStoreLayer, eventBusLayer, tradeStagingLayer } from "../runtime/AwsLayers.ts"
import { flushed, functionTracing } from "../runtime/Tracing.ts"

const runtime = ManagedRuntime.make(
  Layer.merge(
    Processor.layer(DEFAULT_ENGINE, "by-caller").pipe(
      Layer.provideMerge(Layer.mergeAll(candleStoreLayer, engineStateStoreLayer, eventBusLayer, tradeStagingLayer))
    ),
    functionTracing
  )
)

export const handler = (event: unknown): Promise<BatchItemFailures> => runtime.runPromise(flushed(processItems(event)))
