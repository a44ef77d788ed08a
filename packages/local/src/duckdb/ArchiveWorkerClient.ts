/**
 * The archive's files as the runtime reaches them: each call an RPC to the archive's worker
 * thread (ArchiveWorker.ts), started with the layer and stopped with its scope. A worker that
 * died fails calls as `ArchiveUnavailable`, which the archival consumer retries like any store
 * failure.
 */
import { Worker } from "node:worker_threads"
import * as NodeWorker from "@effect/platform-node/NodeWorker"
import { Context, Effect, Layer } from "effect"
import { RpcClient, RpcWorker } from "effect/rpc"
import type { RpcClientError } from "effect/rpc/RpcClientError"
import { ArchiveUnavailable } from "@blockchaincore/core/ports/TradeArchive"
import { type ArchiveFiles, makeArchiveFiles } from "./ArchiveFiles.ts"
import { ArchiveRpcs, ArchiveWorkerInit } from "./ArchiveRpcs.ts"

export class ArchiveWorker extends Context.Service<ArchiveWorker, ArchiveFiles>()("@blockchaincore/local/duckdb/ArchiveWorker") {
  /** The files under `root`, written by a worker thread of its own. */
  static readonly layer = (root: string): Layer.Layer<ArchiveWorker, ArchiveUnavailable> =>
    Layer.effect(
      ArchiveWorker,
      Effect.gen(function* () {
        const protocol = yield* RpcClient.makeProtocolWorker({ size: 1 }).pipe(
          Effect.mapError((e) => new ArchiveUnavailable({ message: `start the archive's worker: ${e.message}` }))
        )
        const client = yield* RpcClient.make(ArchiveRpcs).pipe(Effect.provideService(RpcClient.Protocol, protocol))
        return {
          compactHour: (symbol, hourStart) => client.CompactHour({ symbol, hourStart }).pipe(Effect.mapError(unreachable)),
          writeCandles: (candles) => client.WriteCandles({ candles }).pipe(Effect.mapError(unreachable))
        }
      })
    ).pipe(
      Layer.provide(
        NodeWorker.layer(
          () => new Worker(new URL("./ArchiveWorker.ts", import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16 } })
        )
      ),
      Layer.provide(RpcWorker.layerInitialMessage(ArchiveWorkerInit, Effect.succeed({ root })))
    )

  /**
   * The same files, written on the calling thread: for a run that waits for each file anyway (the
   * backfill), where a second thread's copy of the code costs memory and buys nothing.
   */
  static readonly inThisThread = (root: string): Layer.Layer<ArchiveWorker, ArchiveUnavailable> => Layer.effect(ArchiveWorker, makeArchiveFiles(root))
}

const unreachable = (e: RpcClientError | ArchiveUnavailable) =>
  e._tag === "ArchiveUnavailable" ? e : new ArchiveUnavailable({ message: `the archive's worker: ${e.message}` })
