/**
 * Where the processor puts every trade it applies, for the archive to compact later
 * (idempotently: a trade id is staged once however often its batch comes). A port of its own,
 * apart from the archive's compaction, because staging is cheap I/O on the hot path while
 * compaction writes Parquet: on AWS the processor only stages, and only the archival consumer
 * loads a Parquet writer.
 */
import { Context, type Effect } from "effect"
import type { ArchivedTrade, ArchiveUnavailable } from "./TradeArchive.ts"

export class TradeStaging extends Context.Service<
  TradeStaging,
  {
    readonly stage: (trades: ReadonlyArray<ArchivedTrade>) => Effect.Effect<void, ArchiveUnavailable>
  }
>()("@blockchaincore/core/ports/TradeStaging") {}
