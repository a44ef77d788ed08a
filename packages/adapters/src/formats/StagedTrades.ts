/**
 * Trades as staged for the archive before their hour is compacted. The hot path writes them in
 * binary (`encodeStagedBody`): typed arrays of ids, times, prices and quantities as integer units
 * (1e-8) and flags, a copy of memory per field. Reading them back (`stagedRows`) gives one CSV
 * line per trade in STAGED_TRADE_COLUMNS order, from which compaction has DuckDB make the
 * archive's exact decimals and the quote quantity (TRADES_OF_STAGED). Trades with a value beyond
 * int64 are staged as such lines directly. A batch delivered twice stages the same trades again;
 * reading them back takes each trade id once.
 */
import { freshBytes, type Scratch } from "./Scratch.ts"
import { aligned, BYTES_PER_TRADE, setTrade, tradeColumns } from "./TradeColumns.ts"
import type { ArchivedTrade } from "@blockchaincore/core/ports/TradeArchive"

/** The trades as CSV lines of units, in STAGED_TRADE_COLUMNS order. */
export const encodeStaged = (trades: ReadonlyArray<ArchivedTrade>): string =>
  trades.map((t) => `${t.firstId},${t.price},${t.qty},${t.time},${t.buyerIsMaker},${t.large}`).join("\n")

/** A staged part as the store holds it: binary, or CSV lines. */
type StagedBody = Uint8Array | string

/** Eight bytes, so that the columns after it (TradeColumns.ts) are aligned. */
const MAGIC = new TextEncoder().encode("bcstage1")
const MAKER = 1
const LARGE = 2

/**
 * The trades in binary, or as CSV lines if a price or quantity is beyond int64. Given a `Scratch`,
 * the bytes are its own, valid until its next use: for a caller that copies them at once.
 */
export const encodeStagedBody = (trades: ReadonlyArray<ArchivedTrade>, into: Pick<Scratch, "bytes"> = freshBytes): StagedBody => {
  const n = trades.length
  const bytes = into.bytes(MAGIC.length + n * BYTES_PER_TRADE)
  bytes.set(MAGIC)
  const columns = tradeColumns(bytes, MAGIC.length, n)
  for (let i = 0; i < n; i++) {
    const t = trades[i]!
    if (!setTrade(columns, i, t.firstId, t.time, t.price, t.qty, (t.buyerIsMaker ? MAKER : 0) | (t.large ? LARGE : 0))) return encodeStaged(trades)
  }
  return bytes
}

/** A body as SQLite returns it: a BLOB is binary, anything else text. */
export const stagedBodyOf = (value: unknown): StagedBody => (value instanceof Uint8Array ? value : String(value))

const binaryRows = (body: Uint8Array, rows: Array<StagedRow>): void => {
  const own = aligned(body)
  const n = (own.byteLength - MAGIC.length) / BYTES_PER_TRADE
  if (!Number.isInteger(n) || MAGIC.some((b, i) => own[i] !== b)) throw new Error(`corrupt staged part: ${own.byteLength} bytes`)
  const { ids, times, prices, qtys, flags } = tradeColumns(own, MAGIC.length, n)
  for (let i = 0; i < n; i++) {
    const id = ids[i]!
    const time = times[i]!
    const price = prices[i]!
    const qty = qtys[i]!
    const f = flags[i]!
    if (!Number.isSafeInteger(id) || id < 0 || !Number.isSafeInteger(time) || time < 0 || price < 0n || qty < 0n || f > (MAKER | LARGE)) {
      throw new Error(`corrupt staged trade at ${i} of a binary part`)
    }
    // join() makes a flat string: a template would keep each line as a tree of eight pieces until
    // the CSV is written, about four times the memory for an hour of a busy symbol.
    rows.push({ id, time, line: [id, price, qty, time, (f & MAKER) !== 0, (f & LARGE) !== 0].join(",") })
  }
}

interface StagedRow {
  readonly id: number
  readonly time: number
  /** The row in STAGED_TRADE_COLUMNS order, as CSV. */
  readonly line: string
}

const UNITS_LINE = /^(0|[1-9][0-9]{0,15}),(0|[1-9][0-9]{0,37}),(0|[1-9][0-9]{0,37}),([0-9]{1,16}),(true|false),(true|false)$/
/** The trades of staged parts, each id once (its last staging), in id order; a line of another shape is a corrupt store. */
export const stagedRows = (bodies: ReadonlyArray<StagedBody>): Array<StagedRow> => {
  const rows: Array<StagedRow> = []
  for (const body of bodies) {
    if (typeof body !== "string") {
      binaryRows(body, rows)
      continue
    }
    for (const line of body.split("\n")) {
      const m = UNITS_LINE.exec(line)
      if (m === null) throw new Error(`corrupt staged trade: ${line.slice(0, 120)}`)
      rows.push({ id: Number(m[1]), time: Number(m[4]), line })
    }
  }
  // Staged parts are each in id order, so the (stable) sort has little to do; of equal ids the last staged stays.
  rows.sort((a, b) => a.id - b.id)
  const once: Array<StagedRow> = []
  for (let i = 0; i < rows.length; i++) if (i + 1 === rows.length || rows[i + 1]!.id !== rows[i]!.id) once.push(rows[i]!)
  return once
}

/** Trades of any symbols, each line led by its symbol: for staging objects that hold many symbols. */
export const encodeStagedWithSymbols = (trades: ReadonlyArray<ArchivedTrade>): string => trades.map((t) => `${t.symbol},${encodeStaged([t])}`).join("\n")

/** `symbol`'s trades in staged objects written by `encodeStagedWithSymbols`, each id once, in id order. */
export const stagedRowsOfSymbol = (symbol: string, bodies: ReadonlyArray<string>): Array<StagedRow> => {
  const prefix = `${symbol},`
  return stagedRows(
    bodies
      .map((body) =>
        body
          .split("\n")
          .filter((line) => line.startsWith(prefix))
          .map((line) => line.slice(prefix.length))
          .join("\n")
      )
      .filter((b) => b.length > 0)
  )
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
