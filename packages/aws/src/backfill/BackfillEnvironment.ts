/**
 * What a backfill task is asked for (`npm run aws:backfill` sets it as the task's environment),
 * decoded with a schema so that a wrong value stops the task at once, naming the variable. Where
 * it writes comes from the task's links (the candle and state tables, the archive bucket, the bus).
 */
import { Schema } from "effect"
import { ArchiveDate, ArchiveKind, BINANCE_PUBLIC_ARCHIVE } from "@blockchaincore/binance/archive/PublicArchive"
import { HttpUrl } from "@blockchaincore/core/net/Urls"
import { SymbolList } from "@blockchaincore/core/trade/SymbolList"

export const BackfillEnvironment = Schema.Struct({
  BACKFILL_SYMBOLS: SymbolList,
  BACKFILL_FROM: ArchiveDate,
  BACKFILL_TO: ArchiveDate,
  BACKFILL_KIND: Schema.optionalKey(ArchiveKind),
  BACKFILL_ARCHIVE_URL: Schema.optionalKey(HttpUrl),
  BACKFILL_DOWNLOAD_DIR: Schema.optionalKey(Schema.NonEmptyString)
}).check(Schema.makeFilter((e) => (e.BACKFILL_TO < e.BACKFILL_FROM ? `BACKFILL_TO ${e.BACKFILL_TO} is before BACKFILL_FROM ${e.BACKFILL_FROM}` : true)))
export type BackfillEnvironment = typeof BackfillEnvironment.Type

export const archiveUrlOf = (env: BackfillEnvironment) => env.BACKFILL_ARCHIVE_URL ?? BINANCE_PUBLIC_ARCHIVE
