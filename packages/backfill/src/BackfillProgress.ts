/**
 * A backfill's progress as it goes: files, bytes, trades, the rate, and the time left, estimated
 * from the files still to do at the pace of those done so far.
 */
import { DAY_MILLIS } from "@blockchaincore/core/time/UtcTime"

export class BackfillProgress {
  files = 0
  filesDone = 0
  filesSkipped = 0
  filesMissing = 0
  filesFailed = 0
  bytes = 0
  trades = 0
  candles = 0
  rejected = 0
  disagreements = 0
  /** Minutes that differed from Binance's own 1m klines of their file's period. */
  klinesDiffering = 0
  readonly startedAt: number

  constructor(startedAt: number) {
    this.startedAt = startedAt
  }

  /** Files worked through, whatever their outcome. */
  get finished(): number {
    return this.filesDone + this.filesSkipped + this.filesMissing + this.filesFailed
  }

  line(now: number): string {
    const seconds = Math.max(0.001, (now - this.startedAt) / 1000)
    const worked = this.filesDone + this.filesFailed
    const left = this.files - this.finished
    const eta = worked === 0 || left === 0 ? "" : ` | about ${formatSeconds((seconds / worked) * left)} left`
    return (
      `backfill: files ${this.finished}/${this.files} (${this.filesDone} loaded, ${this.filesSkipped} already done, ${this.filesMissing} not published, ${this.filesFailed} failed)` +
      ` | ${(this.bytes / 1_048_576).toFixed(1)} MiB | ${this.trades.toLocaleString("en-US")} trades, ${Math.round(this.trades / seconds).toLocaleString("en-US")}/s` +
      ` | ${this.candles.toLocaleString("en-US")} candles${this.disagreements > 0 ? `, ${this.disagreements} differed from live (archive kept)` : ""}${this.klinesDiffering > 0 ? `, ${this.klinesDiffering} minutes differ from Binance's klines` : ""}${eta}`
    )
  }
}

/**
 * What a finished run says last: what was asked, what was loaded, and each file that is not
 * published, by name; `nothing` when none of what was asked is in the store.
 */
export const backfillSummary = (
  asked: { readonly symbols: ReadonlyArray<string>; readonly from: string; readonly to: string; readonly kind: string },
  progress: BackfillProgress,
  missing: ReadonlyArray<string>,
  reloaded: ReadonlyArray<string> = []
): { readonly text: string; readonly nothing: boolean } => {
  const what = `${asked.kind} of ${asked.symbols.join(",")} from ${asked.from} to ${asked.to}`
  const nothing = progress.filesDone + progress.filesSkipped === 0
  const loaded = nothing ? "nothing of it is loaded" : `loaded ${progress.filesDone} file(s) now, ${progress.filesSkipped} before`
  const absent = missing.length === 0 ? "" : `; not published: ${runsOf(missing).join(", ")}`
  const replaced = reloaded.length === 0 ? "" : `; loaded again, re-uploaded by Binance: ${reloaded.map((name) => name.replace(/\.zip$/, "")).join(", ")}`
  return { text: `backfill asked for ${what}: ${loaded}${absent}${replaced}`, nothing }
}

/**
 * Daily files as runs of consecutive days: "X-trades-2017-08-01 to 2021-03-31" for the 1,339 days
 * before a symbol was listed, rather than each name.
 */
const runsOf = (names: ReadonlyArray<string>): Array<string> => {
  const runs: Array<{ prefix: string; first: string; last: string; lastDay: number }> = []
  for (const name of names) {
    const m = /^(.*)-(\d{4}-\d{2}-\d{2})\.zip$/.exec(name)
    const prefix = m?.[1] ?? name.replace(/\.zip$/, "")
    const date = m?.[2]
    const day = date === undefined ? Number.NaN : Date.parse(`${date}T00:00:00Z`)
    const run = runs.at(-1)
    if (run !== undefined && date !== undefined && run.prefix === prefix && day === run.lastDay + DAY_MILLIS) {
      run.last = date
      run.lastDay = day
    } else runs.push({ prefix, first: date ?? "", last: date ?? "", lastDay: day })
  }
  return runs.map((r) => (r.first === "" ? r.prefix : r.first === r.last ? `${r.prefix}-${r.first}` : `${r.prefix}-${r.first} to ${r.last}`))
}

const formatSeconds = (s: number) => (s < 90 ? `${Math.ceil(s)} s` : s < 5400 ? `${Math.ceil(s / 60)} min` : `${(s / 3600).toFixed(1)} h`)
