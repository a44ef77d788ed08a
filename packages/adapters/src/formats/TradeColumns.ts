/**
 * Trades in binary as five columns in one buffer: ids and times as float64 (exact for safe
 * integers), prices and quantities as int64 units of 1e-8, and a byte of flags each, 33 bytes a
 * trade. Writing is a copy of memory per field, not a number formatted per field, which is why
 * the local queue's file and the archive's staging keep trades this way.
 */
export const BYTES_PER_TRADE = 33

export interface TradeColumns {
  readonly ids: Float64Array
  readonly times: Float64Array
  readonly prices: BigInt64Array
  readonly qtys: BigInt64Array
  readonly flags: Uint8Array
}

/** The columns of `n` trades starting `offset` bytes into `bytes` (a multiple of 8 from an aligned start). */
export const tradeColumns = (bytes: Uint8Array, offset: number, n: number): TradeColumns => {
  const at = bytes.byteOffset + offset
  return {
    ids: new Float64Array(bytes.buffer, at, n),
    times: new Float64Array(bytes.buffer, at + 8 * n, n),
    prices: new BigInt64Array(bytes.buffer, at + 16 * n, n),
    qtys: new BigInt64Array(bytes.buffer, at + 24 * n, n),
    flags: new Uint8Array(bytes.buffer, at + 32 * n, n)
  }
}

/** Writes trade `i`; false if its price or quantity is beyond int64 (a typed array keeps a bigint modulo 2^64). */
export const setTrade = (c: TradeColumns, i: number, id: number, time: number, price: bigint, qty: bigint, flags: number): boolean => {
  c.ids[i] = id
  c.times[i] = time
  c.prices[i] = price
  c.qtys[i] = qty
  c.flags[i] = flags
  return c.prices[i] === price && c.qtys[i] === qty
}

/** SQLite may hand back a view starting anywhere in its buffer: copied if so, so that the columns are aligned. */
export const aligned = (bytes: Uint8Array): Uint8Array => (bytes.byteOffset % 8 === 0 ? bytes : bytes.slice())
