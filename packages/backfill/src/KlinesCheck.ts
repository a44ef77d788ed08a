/**
 * A trades file's period held against Binance's own 1m klines of it, published beside it. The
 * trades file is the exchange's word only as far as the two agree: a file shorter than its period
 * (Binance has published such) proves nothing past its last trade, and a minute the klines do
 * not have, and in which nothing traded, is a halt's (maintenance), not a candle. Without a klines
 * file to hold it against, the trades file proves its period up to its last trade only.
 */
import { Effect, Option, Result, Stream } from "effect"
import { decodeArchiveKline, isKlineHeader } from "@blockchaincore/binance/archive/ArchiveKline"
import { type ArchiveFile, minuteKlinesOf } from "@blockchaincore/binance/archive/PublicArchive"
import type { Candle } from "@blockchaincore/core/candle/Candle"
import { klineRow } from "@blockchaincore/core/candle/KlineCsv"
import { downloadArchiveFile, type DownloadOptions } from "@blockchaincore/binance/archive/ArchiveDownload"
import { zipLines } from "@blockchaincore/binance/archive/ZipLines"

export interface KlinesVerdict {
  /** Windows ending before this are proven by the trades file. */
  readonly provenThrough: number
  /** Our minutes without trades that Binance has no kline for: a halt's, to remove. */
  readonly halted: ReadonlyArray<number>
  /** Minutes Binance's klines have otherwise than ours (or we lack), by open time. */
  readonly differing: ReadonlyArray<number>
  /** Whether Binance published a klines file for the period. */
  readonly published: boolean
}

/** Binance's 1m klines of `file`'s period, or none when it has not published them (or they cannot be read). */
const exchangeMinutes = (file: ArchiveFile, options: DownloadOptions) =>
  Effect.gen(function* () {
    const klinesFile = minuteKlinesOf(file)
    const downloaded = yield* downloadArchiveFile(klinesFile, options)
    const klines = new Map<number, Candle>()
    yield* zipLines(downloaded.path).pipe(
      Stream.runForEach((chunk) =>
        Effect.sync(() => {
          for (const text of chunk) {
            const fields = text.split(",")
            if (text.length === 0 || isKlineHeader(fields)) continue
            const row = decodeArchiveKline(file.symbol, fields)
            if (Result.isSuccess(row)) klines.set(row.success.openTime, row.success)
          }
        })
      )
    )
    return Option.some(klines)
  }).pipe(
    Effect.catch((e) =>
      e._tag === "NotPublished"
        ? Effect.succeed(Option.none())
        : Effect.logWarning(`${minuteKlinesOf(file).name}: ${e.message}; not checked`).pipe(Effect.as(Option.none()))
    )
  )

/** Our 1m candles of `file`'s period (`ours`, by open time) against Binance's klines of it. */
export const checkWithKlines = Effect.fn("checkWithKlines")(function* (
  file: ArchiveFile,
  ours: ReadonlyMap<number, Candle>,
  lastTradeTime: number,
  options: DownloadOptions
) {
  const throughLastTrade = lastTradeTime < 0 ? file.from : lastTradeTime + 1
  const klines = yield* exchangeMinutes(file, options)
  if (Option.isNone(klines)) return { provenThrough: throughLastTrade, halted: [], differing: [], published: false } satisfies KlinesVerdict
  const theirs = klines.value
  const halted: Array<number> = []
  const differing: Array<number> = []
  for (const [openTime, candle] of ours) {
    if (openTime < file.from || openTime >= file.to) continue
    const kline = theirs.get(openTime)
    if (kline === undefined) (candle.trades === 0 ? halted : differing).push(openTime)
    else if (klineRow(kline).join() !== klineRow(candle).join()) differing.push(openTime)
  }
  for (const openTime of theirs.keys()) if (openTime >= file.from && openTime < file.to && !ours.has(openTime)) differing.push(openTime)
  differing.sort((a, b) => a - b)
  const firstDiffering = differing[0]
  return {
    provenThrough: firstDiffering === undefined ? file.to : Math.min(throughLastTrade, firstDiffering),
    halted: halted.sort((a, b) => a - b),
    differing,
    published: true
  } satisfies KlinesVerdict
})
