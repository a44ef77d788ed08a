/**
 * The archive's worker thread: compaction (reading a staged hour, DuckDB writing Parquet) and
 * candle files run here, beside the pipeline's thread rather than on it. It answers
 * `ArchiveRpcs` for the runtime that started it and ends with it.
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeWorkerRunner from "@effect/platform-node/NodeWorkerRunner"
import { Effect, Layer } from "effect"
import { RpcServer, RpcWorker } from "effect/rpc"
import { makeArchiveFiles } from "./ArchiveFiles.ts"
import { ArchiveRpcs, ArchiveWorkerInit } from "./ArchiveRpcs.ts"

const handlers = ArchiveRpcs.toLayer(
  Effect.gen(function* () {
    const { root } = yield* RpcWorker.initialMessage(ArchiveWorkerInit)
    const files = yield* makeArchiveFiles(root)
    return ArchiveRpcs.of({
      CompactHour: ({ symbol, hourStart }) => files.compactHour(symbol, hourStart),
      WriteCandles: ({ candles }) => files.writeCandles(candles)
    })
  })
)

const server = RpcServer.layer(ArchiveRpcs).pipe(
  Layer.provide(handlers),
  Layer.provide(RpcServer.layerProtocolWorkerRunner),
  Layer.provide(NodeWorkerRunner.layer)
)

NodeRuntime.runMain(Layer.launch(server))
