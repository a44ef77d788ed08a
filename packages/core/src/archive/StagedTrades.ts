/**
 * Trades as staged for the archive before their hour is compacted: one CSV line per trade in
 * STAGED_TRADE_COLUMNS order, prices and quantities as integer units (1e-8), which is all the hot
 * path writes; compaction has DuckDB turn them into the archive's exact decimals and the quote
 * quantity (TRADES_OF_STAGED), in native code off the JavaScript thread. Lines staged by earlier
 * releases (decimals, with the quote) are read as well. A batch delivered twice stages the same
 * lines again; reading them back takes each trade id once.
 */
import type { ArchivedTrade } from "../ports/TradeArchive.ts"

export const encodeStaged = (trades: ReadonlyArray<ArchivedTrade>): string =>
  trades.map((t) => `${t.firstId},${t.price},${t.qty},${t.time},${t.buyerIsMaker},${t.large}`).join("\n")

export interface StagedRow {
  readonly id: number
  readonly time: number
  /** The row in STAGED_TRADE_COLUMNS order, as CSV. */
  readonly line: string
}

const UNITS_LINE = /^(0|[1-9][0-9]{0,15}),(0|[1-9][0-9]{0,37}),(0|[1-9][0-9]{0,37}),([0-9]{1,16}),(true|false),(true|false)$/
/** A line as releases before the units form staged it: decimals with 8 places, and the quote. */
const DECIMAL_LINE = /^(0|[1-9][0-9]{0,15}),([0-9]+)\.([0-9]{8}),([0-9]+)\.([0-9]{8}),[0-9]+\.[0-9]{16},([0-9]{1,16}),(true|false),(true|false)$/

/** A decimal with exactly 8 places as integer units, without leading zeros. */
const unitsOf = (whole: string, fraction: string) => (whole + fraction).replace(/^0+(?=[0-9])/, "")

/** The trades of staged parts, each id once (its last staging), in id order; a line of neither shape is a corrupt store. */
export const stagedRows = (bodies: ReadonlyArray<string>): Array<StagedRow> => {
  const rows: Array<StagedRow> = []
  for (const body of bodies) {
    for (const line of body.split("\n")) {
      const m = UNITS_LINE.exec(line)
      if (m !== null) {
        rows.push({ id: Number(m[1]), time: Number(m[4]), line })
        continue
      }
      const old = DECIMAL_LINE.exec(line)
      if (old === null) throw new Error(`corrupt staged trade: ${line.slice(0, 120)}`)
      rows.push({ id: Number(old[1]), time: Number(old[6]), line: `${old[1]},${unitsOf(old[2]!, old[3]!)},${unitsOf(old[4]!, old[5]!)},${old[6]},${old[7]},${old[8]}` })
    }
  }
  // Staged parts are each in id order, so the (stable) sort has little to do; of equal ids the last staged stays.
  rows.sort((a, b) => a.id - b.id)
  const once: Array<StagedRow> = []
  for (let i = 0; i < rows.length; i++) if (i + 1 === rows.length || rows[i + 1]!.id !== rows[i]!.id) once.push(rows[i]!)
  return once
}

/** Trades of any symbols, each line led by its symbol: for staging objects that hold many symbols. */
export const encodeStagedWithSymbols = (trades: ReadonlyArray<ArchivedTrade>): string =>
  trades.map((t) => `${t.symbol},${encodeStaged([t])}`).join("\n")

/** `symbol`'s trades in staged objects written by `encodeStagedWithSymbols`, each id once, in id order. */
export const stagedRowsOfSymbol = (symbol: string, bodies: ReadonlyArray<string>): Array<StagedRow> => {
  const prefix = `${symbol},`
  return stagedRows(bodies.map((body) => body.split("\n").filter((line) => line.startsWith(prefix)).map((line) => line.slice(prefix.length)).join("\n")).filter((b) => b.length > 0))
}

/** Trades by the hour of their time, for staging per hour. */
export const byHour = <T extends { readonly time: number }>(trades: ReadonlyArray<T>): Map<number, Array<T>> => {
  const groups = new Map<number, Array<T>>()
  for (const t of trades) {
    const hourStart = t.time - (t.time % 3_600_000)
    const group = groups.get(hourStart)
    if (group === undefined) groups.set(hourStart, [t])
    else group.push(t)
  }
  return groups
}
