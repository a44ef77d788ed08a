/**
 * Binance's public data archive (data.binance.vision): which files hold a period's trades, where
 * they are, and what their `.CHECKSUM` says. Daily files are `data/spot/daily/KIND/SYMBOL/
 * SYMBOL-KIND-YYYY-MM-DD.zip`, monthly ones `data/spot/monthly/KIND/SYMBOL/SYMBOL-KIND-YYYY-MM.zip`;
 * a month asked for whole is one monthly file instead of its days, and its days again where that
 * file is not published (yet: Binance publishes a month's file some days after it ends; some
 * symbols have daily files only). Each zip holds one CSV.
 */
import { Schema } from "effect"
import { DAY_MILLIS as DAY, utcDayOf as dayOf } from "@blockchaincore/core/time/UtcTime"

export const BINANCE_PUBLIC_ARCHIVE = "https://data.binance.vision"

/** Tries of a file whose download breaks or does not match its checksum: a cut connection resumes, so each makes progress. */
export const DEFAULT_TRIES = 5

export const ArchiveKind = Schema.Literals(["trades", "aggTrades"])
export type ArchiveKind = typeof ArchiveKind.Type

/** A UTC calendar date, YYYY-MM-DD, that exists. */
export const ArchiveDate = Schema.String.check(
  Schema.makeFilter((s) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return "Expected a date as YYYY-MM-DD"
    // Date.parse gives NaN for a month 13 and rolls a 31st of April over to May: both are refused.
    const time = Date.parse(`${s}T00:00:00Z`)
    return !Number.isNaN(time) && new Date(time).toISOString().startsWith(s) ? true : `${s} is not a date`
  })
)

export interface ArchiveFile {
  readonly symbol: string
  readonly kind: ArchiveKind
  readonly period: "daily" | "monthly"
  /** The file's name, e.g. BTCUSDT-trades-2024-01-05.zip. */
  readonly name: string
  /** Its path below the archive's base URL. */
  readonly path: string
  /** The UTC millisecond range its trades fall in: [from, to). */
  readonly from: number
  readonly to: number
}

const monthStart = (year: number, month: number) => Date.UTC(year, month, 1)

const fileOf = (symbol: string, kind: ArchiveKind, period: "daily" | "monthly", stamp: string, from: number, to: number): ArchiveFile => {
  const name = `${symbol}-${kind}-${stamp}.zip`
  return { symbol, kind, period, name, path: `data/spot/${period}/${kind}/${symbol}/${name}`, from, to }
}

/**
 * The files holding `symbol`'s trades from `from` to `to`, both days included, in time order:
 * a calendar month inside the range as its monthly file, the other days as daily files.
 */
export const archiveFiles = (symbol: string, kind: ArchiveKind, from: string, to: string): Array<ArchiveFile> => {
  const files: Array<ArchiveFile> = []
  const end = Date.parse(`${to}T00:00:00Z`) + DAY
  for (let day = Date.parse(`${from}T00:00:00Z`); day < end; ) {
    const d = new Date(day)
    const start = monthStart(d.getUTCFullYear(), d.getUTCMonth())
    const next = monthStart(d.getUTCFullYear(), d.getUTCMonth() + 1)
    if (day === start && next <= end) {
      files.push(fileOf(symbol, kind, "monthly", dayOf(start).slice(0, 7), start, next))
      day = next
    } else {
      files.push(fileOf(symbol, kind, "daily", dayOf(day), day, day + DAY))
      day += DAY
    }
  }
  return files
}

/** The daily files of a monthly file's month, in order; a daily file is its own only day. */
export const daysOf = (file: ArchiveFile): Array<ArchiveFile> => {
  if (file.period === "daily") return [file]
  const days: Array<ArchiveFile> = []
  for (let day = file.from; day < file.to; day += DAY) days.push(fileOf(file.symbol, file.kind, "daily", dayOf(day), day, day + DAY))
  return days
}

/** A `.CHECKSUM` file: `<sha256 hex>  <file name>`. */
const CHECKSUM_LINE = /^([0-9a-fA-F]{64}) [ *]?(\S+)$/

/** The SHA-256 a `.CHECKSUM` publishes for `name`, or why it does not. */
export const checksumOf = (text: string, name: string): { readonly sha256: string } | { readonly problem: string } => {
  const m = CHECKSUM_LINE.exec(text.trim())
  if (m === null) return { problem: `not a CHECKSUM line: ${JSON.stringify(text.slice(0, 100))}` }
  return m[2] === name ? { sha256: m[1]!.toLowerCase() } : { problem: `the CHECKSUM names ${m[2]}, not ${name}` }
}

/** Binance's own 1m klines of a trades file's period, published beside it. */
export interface KlinesFile {
  readonly name: string
  readonly path: string
}

export const minuteKlinesOf = (file: ArchiveFile): KlinesFile => {
  const stamp = file.name.slice(`${file.symbol}-${file.kind}-`.length, -".zip".length)
  const name = `${file.symbol}-1m-${stamp}.zip`
  return { name, path: `data/spot/${file.period}/klines/${file.symbol}/1m/${name}` }
}
