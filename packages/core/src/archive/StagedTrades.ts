/**
 * Trades as staged for the archive before their hour is compacted: one CSV line per trade in
 * TRADE_COLUMNS order, formatted once when staged, so compaction only picks lines and hands them
 * to the Parquet writer. A batch delivered twice stages the same lines again; reading them back
 * takes each trade id once.
 */
import { formatUnits, PRICE_SCALE, QUOTE_SCALE } from "../decimal/Decimal.ts"
import type { ArchivedTrade } from "../ports/TradeArchive.ts"

export const encodeStaged = (trades: ReadonlyArray<ArchivedTrade>): string =>
  trades
    .map((t) =>
      `${t.firstId},${formatUnits(t.price, PRICE_SCALE, 8)},${formatUnits(t.qty, PRICE_SCALE, 8)},${formatUnits(t.price * t.qty, QUOTE_SCALE, 16)},${t.time},${t.buyerIsMaker},${t.large}`
    )
    .join("\n")

export interface StagedRow {
  readonly id: number
  readonly time: number
  /** The row in TRADE_COLUMNS order, as CSV. */
  readonly line: string
}

const STAGED_LINE = /^(0|[1-9][0-9]{0,15}),[0-9]+\.[0-9]{8},[0-9]+\.[0-9]{8},[0-9]+\.[0-9]{16},([0-9]{1,16}),(true|false),(true|false)$/

/** The trades of staged parts, each id once, in id order; a line not of that shape is a corrupt store. */
export const stagedRows = (bodies: ReadonlyArray<string>): Array<StagedRow> => {
  const byId = new Map<number, StagedRow>()
  for (const body of bodies) {
    for (const line of body.split("\n")) {
      const m = STAGED_LINE.exec(line)
      if (m === null) throw new Error(`corrupt staged trade: ${line.slice(0, 120)}`)
      const id = Number(m[1])
      byId.set(id, { id, time: Number(m[2]), line })
    }
  }
  return [...byId.values()].sort((a, b) => a.id - b.id)
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
