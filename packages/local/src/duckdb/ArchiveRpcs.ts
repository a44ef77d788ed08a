/**
 * What the runtime asks of the archive's worker thread: compact an hour of staged trades into
 * its Parquet file, write a day's candles into theirs. A few calls an hour, each reading or
 * writing a great deal, which is why they run off the pipeline's thread.
 */
import { Schema } from "effect"
import { Rpc, RpcGroup } from "effect/rpc"
import { Candle } from "@blockchaincore/core/candle/Candle"
import { ArchiveUnavailable } from "@blockchaincore/core/ports/TradeArchive"
import { EpochMillis, SymbolName } from "@blockchaincore/core/trade/Trade"

/** The worker's start-up message: where the archive lives. */
export const ArchiveWorkerInit = Schema.Struct({ root: Schema.String })

/** A staged part by its key: what a compaction read, and so what may be pruned once its file is written. */
const StagedPartKey = Schema.Struct({ firstId: Schema.Int, lastId: Schema.Int })
type StagedPartKey = typeof StagedPartKey.Type

/** A compacted hour: the staged trades merged into its file, and the staged parts they came from. */
export const Compacted = Schema.Struct({ trades: Schema.Int, parts: Schema.Array(StagedPartKey) })
export type Compacted = typeof Compacted.Type

export class ArchiveRpcs extends RpcGroup.make(
  Rpc.make("CompactHour", { payload: { symbol: SymbolName, hourStart: EpochMillis }, success: Compacted, error: ArchiveUnavailable }),
  Rpc.make("WriteCandles", { payload: { candles: Schema.Array(Candle) }, error: ArchiveUnavailable })
) {}
