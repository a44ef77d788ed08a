/**
 * History from Binance's public data archive into the same places live trades go: for each symbol,
 * its files in time order are downloaded and verified (ArchiveDownload.ts), read row by row, run
 * through one candle engine (so a window across two files, and the empty minutes at a day's end,
 * come out as Binance's klines have them), their candles written to the candle store as complete
 * ones and their trades staged, and the file's hours and days handed to the archival service
 * (ArchiveHandoff.ts), which compacts them into the archive's hourly files, where each trade id
 * is kept once, so days also collected live are merged rather than doubled. Staged after the live
 * trades, the archive's copy of a trade is the one kept; a candle the store already held that
 * differs from the archive's is reported, and the archive's replaces it.
 *
 * Backfilled candles are history: no `CandleClosed` is published for them (anomaly rules on a
 * year of closes would be an alert storm). aggTrades files give candles only: an aggregate row is
 * not a trade, so it stays out of the trade archive.
 */
import { rm } from "node:fs/promises"
import { Array as Arr, Clock, Effect, Result, Stream } from "effect"
import { type ArchiveFormat, decodeArchiveRow, detectArchiveFormat, isHeaderRow } from "@blockchaincore/binance/archive/ArchiveRow"
import { type ArchiveFile, archiveFiles, type ArchiveKind, daysOf } from "@blockchaincore/binance/archive/PublicArchive"
import type { Candle } from "@blockchaincore/core/candle/Candle"
import { CandleEngine } from "@blockchaincore/core/candle/CandleEngine"
import type { Interval } from "@blockchaincore/core/candle/Interval"
import { CandleStore } from "@blockchaincore/core/ports/CandleStore"
import type { ArchivedTrade } from "@blockchaincore/core/ports/TradeArchive"
import { candleRevised } from "@blockchaincore/core/events/DomainEvent"
import { TradeStaging } from "@blockchaincore/core/ports/TradeStaging"
import { downloadArchiveFile, publishedChecksum } from "@blockchaincore/binance/archive/ArchiveDownload"
import { ArchiveHandoff } from "./ArchiveHandoff.ts"
import { BackfillLedger } from "./BackfillLedger.ts"
import { type BackfillProgress, backfillSummary } from "./BackfillProgress.ts"
import { zipLines } from "@blockchaincore/binance/archive/ZipLines"
import { checkWithKlines, type KlinesVerdict } from "./KlinesCheck.ts"
import { sameKline } from "@blockchaincore/core/candle/KlineComparison"

interface BackfillRequest {
  readonly symbols: ReadonlyArray<string>
  /** UTC dates, YYYY-MM-DD, both included. */
  readonly from: string
  readonly to: string
  readonly kind: ArchiveKind
  readonly intervals: ReadonlyArray<Interval>
  readonly archiveUrl: string
  /** Where downloads are kept while they are fetched and read. */
  readonly downloadDir: string
  /** Tries of a file whose download breaks or does not match its checksum (DEFAULT_TRIES). */
  readonly tries: number
}

interface FileFailure {
  readonly name: string
  readonly message: string
}

/** Rows that are not trades are reported with their file and line, at most this many per file. */
const REJECTIONS_SHOWN = 5
/** Differences from live candles shown per file (all are counted). */
const DISAGREEMENTS_SHOWN = 5
const CANDLES_PER_WRITE = 2_000

export const runBackfill = (request: BackfillRequest, progress: BackfillProgress) =>
  Effect.gen(function* () {
    const store = yield* CandleStore
    const staging = yield* TradeStaging
    const handoff = yield* ArchiveHandoff
    const ledger = yield* BackfillLedger
    const failures: Array<FileFailure> = []
    const plan = request.symbols.map((symbol) => ({ symbol, files: archiveFiles(symbol, request.kind, request.from, request.to) }))
    progress.files = plan.reduce((n, p) => n + p.files.length, 0)

    /** Writes candles, counting (and showing a few of) those that differ from what the store held. */
    const writeCandles = (file: ArchiveFile, candles: ReadonlyArray<Candle>, shown: { n: number }) =>
      Effect.gen(function* () {
        for (const group of Object.values(Arr.groupBy(candles, (c) => c.interval))) {
          const interval = group[0].interval
          const stored = yield* store.candles({
            symbol: file.symbol,
            interval,
            startTime: group[0]!.openTime,
            endTime: group.at(-1)!.openTime,
            limit: group.length + 1
          })
          const held = new Map(stored.map((c) => [c.openTime, c]))
          for (const c of group) {
            const before = held.get(c.openTime)
            if (before === undefined || sameKline(before, c)) continue
            progress.disagreements++
            if (shown.n++ < DISAGREEMENTS_SHOWN) {
              yield* Effect.logWarning(
                `${file.symbol} ${interval} ${new Date(c.openTime).toISOString()}: the store had close ${before.close} volume ${before.volume} trades ${before.trades}, the archive says ${c.close} / ${c.volume} / ${c.trades}; the archive's is kept`
              )
            }
          }
        }
        yield* store.putCandles(candles)
        progress.candles += candles.length
      })

    /** One file into the stores; the engine it leaves, for the symbol's next file. */
    const loadFile = (file: ArchiveFile, carried: CandleEngine | undefined) =>
      Effect.gen(function* () {
        const downloaded = yield* downloadArchiveFile(file, {
          baseUrl: request.archiveUrl,
          dir: request.downloadDir,
          tries: request.tries,
          onBytes: (n) => (progress.bytes += n)
        })
        // Binance's klines are final: no grace, and a window closes when the data passes its end.
        const engine = carried ?? new CandleEngine({ intervals: [...request.intervals], graceMillis: 0 })
        // The archive's file is the exchange's word that the symbol traded through its period (a
        // minute its klines lack is removed below): with the proof below, its windows without trades are final.
        engine.setTrading(file.symbol, true, file.to)
        const pending: Array<Candle> = []
        /** The file's hours with trades (their trades were staged) and its days, by window: the archive's files to make. */
        const archived = new Map<string, Candle>()
        /** The period's 1m candles, by open time: what Binance's klines of it are held against. */
        const minutes = new Map<number, Candle>()
        let lastTradeTime = -1
        const shown = { n: 0 }
        let format: ArchiveFormat | undefined
        let rejectionsShown = 0
        let line = 0
        let trades = 0
        let candles = 0
        const takeCandles = (all: boolean) =>
          Effect.gen(function* () {
            for (const o of engine.drain()) {
              if (o._tag !== "CandleClosed" && o._tag !== "CandleRevised") continue
              pending.push(o.candle)
              if (o.candle.interval === "1m") minutes.set(o.candle.openTime, o.candle)
            }
            while (pending.length >= CANDLES_PER_WRITE || (all && pending.length > 0)) {
              const batch = pending.splice(0, CANDLES_PER_WRITE)
              yield* writeCandles(file, batch, shown)
              for (const c of batch)
                if ((c.interval === "1h" && c.trades > 0 && request.kind === "trades") || c.interval === "1d") archived.set(`${c.interval}@${c.openTime}`, c)
              candles += batch.length
            }
          })
        yield* zipLines(downloaded.path).pipe(
          Stream.runForEach((chunk) =>
            Effect.gen(function* () {
              const staged: Array<ArchivedTrade> = []
              const before = trades
              for (const text of chunk) {
                line++
                if (text.length === 0) continue
                const fields = text.split(",")
                // A header only before the first row: one after it is a bad row.
                if (format === undefined && isHeaderRow(fields)) continue
                format ??= detectArchiveFormat(fields)
                const row =
                  format === undefined
                    ? Result.fail("neither a trades (7 columns) nor an aggTrades (8 columns) row")
                    : decodeArchiveRow(format, file.symbol, fields)
                if (Result.isFailure(row)) {
                  progress.rejected++
                  if (rejectionsShown++ < REJECTIONS_SHOWN) yield* Effect.logWarning(`${file.name} line ${line}: ${row.failure}`)
                  continue
                }
                engine.apply(row.success)
                if (row.success.time > lastTradeTime) lastTradeTime = row.success.time
                trades++
                if (request.kind === "trades") staged.push({ ...row.success, large: false })
              }
              if (staged.length > 0) yield* staging.stage(staged)
              progress.trades += trades - before
              yield* takeCandles(false)
            })
          )
        )
        // Every window of the period closed, but not yet proven: the file proves as far as Binance's
        // own klines of the period agree with it (KlinesCheck.ts).
        engine.advance(file.symbol, file.to)
        yield* takeCandles(false)
        const verdict = yield* checkWithKlines(file, minutes, lastTradeTime, { baseUrl: request.archiveUrl, dir: request.downloadDir, tries: request.tries })
        yield* sayVerdict(file, verdict)
        progress.klinesDiffering += verdict.differing.length
        engine.confirm(file.symbol, engine.lastApplied(file.symbol), verdict.provenThrough)
        yield* takeCandles(true)
        if (verdict.halted.length > 0)
          yield* store.deleteCandles(verdict.halted.map((openTime) => ({ symbol: file.symbol, interval: "1m" as const, openTime })))
        yield* handoff.loaded([...archived.values()].map(candleRevised))
        const state = engine.snapshot().symbols.find((s) => s.symbol === file.symbol) ?? null
        yield* ledger.markDone({ name: file.name, trades, candles, state, sha256: downloaded.sha256 })
        // Loaded and recorded: the zip is not needed again (a year of a busy symbol is tens of GB).
        yield* Effect.tryPromise(() => rm(downloaded.path, { force: true })).pipe(
          Effect.catch((e) => Effect.logWarning(`could not remove ${downloaded.path}: ${e.message}`))
        )
        return engine
      })

    const sayVerdict = (file: ArchiveFile, verdict: KlinesVerdict) => {
      const through = new Date(verdict.provenThrough).toISOString()
      if (!verdict.published)
        return verdict.provenThrough < file.to
          ? Effect.logInfo(`${file.name}: no klines file to hold it against; its candles are final up to its last trade (${through})`)
          : Effect.void
      const removed = verdict.halted.length === 0 ? "" : `; ${verdict.halted.length} minutes without trades Binance has no kline for (a halt) removed`
      if (verdict.differing.length === 0)
        return verdict.halted.length === 0 ? Effect.void : Effect.logInfo(`${file.name}: equals Binance's 1m klines${removed}`)
      return Effect.logWarning(
        `${file.name}: ${verdict.differing.length} minutes differ from Binance's 1m klines, the first at ${new Date(verdict.differing[0]!).toISOString()}; its candles are final up to ${through}${removed}`
      )
    }

    /** A monthly file whose month is (partly) loaded from daily files already goes on with its days. */
    const dayDone = (month: ArchiveFile) =>
      Effect.map(
        Effect.forEach(daysOf(month), (day) => ledger.done(day.name)),
        (done) => done.some((d) => d !== undefined)
      )
    /** Files not published, and files loaded again because Binance replaced them, by name, for the summary. */
    const missing: Array<string> = []
    const reloaded: Array<string> = []
    /** The digest the archive publishes now, where it is not `loaded`; a CHECKSUM that cannot be read keeps the file as loaded. */
    const reuploaded = (file: ArchiveFile, loaded: string) =>
      publishedChecksum(file, { baseUrl: request.archiveUrl, tries: request.tries }).pipe(
        Effect.map((now) => (now === loaded ? undefined : now)),
        Effect.catch((e) => Effect.logWarning(`${file.name}: its CHECKSUM could not be read again (${e.message}); kept as loaded`).pipe(Effect.as(undefined)))
      )

    for (const { symbol, files } of plan) {
      let engine: CandleEngine | undefined
      const queue = [...files]
      /** A month's file stands aside for its days: they take its place in the queue and in the count. */
      const inDays = (month: ArchiveFile) => {
        const days = daysOf(month)
        queue.unshift(...days)
        progress.files += days.length - 1
        return days.length
      }
      for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
        const done = yield* ledger.done(file.name)
        // Binance replaces a file after a fix: one loaded before whose published digest changed is loaded again.
        const replaced = done?.sha256 === undefined ? undefined : yield* reuploaded(file, done.sha256)
        if (replaced !== undefined) {
          yield* Effect.logWarning(`${file.name}: re-uploaded by Binance since it was loaded (SHA-256 ${done?.sha256} is now ${replaced}); loading it again`)
        }
        if (done !== undefined && replaced === undefined) {
          progress.filesSkipped++
          engine = done.state === null ? undefined : CandleEngine.forSymbol({ intervals: [...request.intervals], graceMillis: 0 }, done.state)
          continue
        }
        if (file.period === "monthly" && (yield* dayDone(file))) {
          inDays(file)
          continue
        }
        const outcome = yield* loadFile(file, engine).pipe(Effect.result)
        if (Result.isSuccess(outcome)) {
          progress.filesDone++
          if (replaced !== undefined) reloaded.push(file.name)
          engine = outcome.success
          continue
        }
        const error = outcome.failure
        if (error._tag === "NotPublished" && file.period === "monthly") {
          // Nothing of it was applied (the download comes first): its days go on from the same engine.
          yield* Effect.logInfo(`${file.name}: not published (yet); its ${inDays(file)} daily files instead`)
          continue
        }
        // A file missing or failed breaks the run of trades: the next one starts afresh, not from a close before the hole.
        engine = undefined
        if (error._tag === "NotPublished") {
          progress.filesMissing++
          missing.push(file.name)
          yield* Effect.logWarning(`${file.name}: not published (${error.url})`)
        } else {
          progress.filesFailed++
          failures.push({ name: file.name, message: error.message })
          yield* Effect.logError(`${file.name}: ${error.message}`)
        }
      }
      yield* Effect.logInfo(progress.line(yield* Clock.currentTimeMillis)).pipe(Effect.annotateLogs("symbol", symbol))
    }
    // What was asked, loaded, missing and loaded again: the run's last line, on either runtime.
    const summary = backfillSummary({ symbols: request.symbols, from: request.from, to: request.to, kind: request.kind }, progress, missing, reloaded)
    return { failures, summary }
  })
