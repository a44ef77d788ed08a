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

export class ArchiveRpcs extends RpcGroup.make(
  Rpc.make("CompactHour", { payload: { symbol: SymbolName, hourStart: EpochMillis }, success: Schema.Number, error: ArchiveUnavailable }),
  Rpc.make("WriteCandles", { payload: { candles: Schema.Array(Candle) }, error: ArchiveUnavailable })
) {}
