/**
 * The raw trade archive. The processor stages every trade it applies (the `TradeStaging` port);
 * the archival service compacts a closed hour of
 * one symbol into one Parquet file under Hive partitions
 * (`trades/symbol=.../date=.../hour=...`), and a closed day's candles likewise
 * (`candles/interval=.../symbol=.../date=...`). On AWS, S3 with Glue tables for Athena; locally,
 * files in the data directory, queried with DuckDB under the same table and column names.
 */
import { Context, type Effect, Schema } from "effect"
import type { Candle } from "../candle/Candle.ts"
import type { Trade } from "../trade/Trade.ts"

export class ArchiveUnavailable extends Schema.TaggedError<ArchiveUnavailable>()("ArchiveUnavailable", {
  message: Schema.String
}) {}

/** A trade as archived: with enrichment's large-trade flag. */
export interface ArchivedTrade extends Trade {
  readonly large: boolean
}

export class TradeArchive extends Context.Service<
  TradeArchive,
  {
    /** Writes the staged trades of `symbol` in the hour starting at `hourStart` as that hour's file. */
    readonly compactHour: (symbol: string, hourStart: number) => Effect.Effect<number, ArchiveUnavailable>
    /** Writes a day's candles of one symbol and interval as that day's file. */
    readonly writeCandles: (candles: ReadonlyArray<Candle>) => Effect.Effect<void, ArchiveUnavailable>
  }
>()("@blockchaincore/core/ports/TradeArchive") {}
