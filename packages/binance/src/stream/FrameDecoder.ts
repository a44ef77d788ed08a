/**
 * Frame text to trade, fast.
 *
 * The schema in StreamFrame.ts is the definition of a valid frame. Running it on every frame
 * costs more than the rest of the candle pipeline together, so `decodeFrame` first tries a
 * scanner that understands exactly one layout, the one Binance sends (keys in Binance's order,
 * no whitespace, no escapes), and validates every field as the schema would. Anything else, valid
 * or not, goes to the schema. So the fast path only ever saves time: tests check that on any
 * input it returns what the schema returns.
 */
import { Result, Schema } from "effect"
import { PRICE_SCALE, parseUnits } from "@blockchaincore/core/decimal/Decimal"
import type { Trade } from "@blockchaincore/core/trade/Trade"
import { eventOf, StreamFrameFromJson, tradeOf } from "./StreamFrame.ts"

type DecodedFrame =
  | { readonly _tag: "Trade"; readonly trade: Trade }
  | { readonly _tag: "ServerShutdown"; readonly time: number }
  | { readonly _tag: "Invalid"; readonly message: string }

const decodeWithSchema = Schema.decodeUnknownResult(StreamFrameFromJson)

/** Decodes one frame's text. Never throws: a bad frame is `Invalid` with the schema's message. */
export const decodeFrame = (text: string): DecodedFrame => {
  const fast = scanTradeFrame(text)
  if (fast !== undefined) return { _tag: "Trade", trade: fast }
  const result = decodeWithSchema(text)
  if (Result.isFailure(result)) return { _tag: "Invalid", message: result.failure.message }
  const event = eventOf(result.success)
  const trade = tradeOf(event)
  if (trade !== undefined) return { _tag: "Trade", trade }
  return { _tag: "ServerShutdown", time: event.E }
}

// The one layout the fast path knows, as Binance sends it. V8 runs a regular expression as
// native code, which validates a frame faster than any loop over its characters in JavaScript;
// once it has matched, every field sits at a known place and is read without further checks.
const INT = "(?:0|[1-9][0-9]{0,14})"
const DECIMAL = "(?:0|[1-9][0-9]*)(?:\\.[0-9]{1,8})?"
const EVENT = `\\{"e":"trade","E":${INT},"s":"[A-Z0-9]{2,20}","t":${INT},"p":"${DECIMAL}","q":"${DECIMAL}","T":${INT},"m":(?:true|false)(?:,"M":(?:true|false))?\\}`
const COMBINED = new RegExp(`^\\{"stream":"[^"\\\\\\x00-\\x1f]+","data":${EVENT}\\}$`)
const RAW = new RegExp(`^${EVENT}$`)

/** The trade of a canonical Binance trade frame, or `undefined` if the frame is not one. */
export const scanTradeFrame = (frame: string): Trade | undefined => {
  if (!COMBINED.test(frame) && !RAW.test(frame)) return undefined
  let at = frame.indexOf(',"s":"') + 6
  const symbolEnd = frame.indexOf('"', at)
  const symbol = frame.slice(at, symbolEnd)
  at = symbolEnd + 6 // ","t":
  const id = digitsAt(frame, at)
  at = frame.indexOf(",", at) + 6 // ,"p":"
  const priceEnd = frame.indexOf('"', at)
  const price = unitsAt(frame, at, priceEnd)
  at = priceEnd + 7 // ","q":"
  const qtyEnd = frame.indexOf('"', at)
  const qty = unitsAt(frame, at, qtyEnd)
  at = qtyEnd + 6 // ","T":
  const time = digitsAt(frame, at)
  at = frame.indexOf(",", at) + 5 // ,"m":
  const buyerIsMaker = frame.charCodeAt(at) === 116 /* t */
  return { symbol, firstId: id, lastId: id, price, qty, time, buyerIsMaker }
}

/** The integer of up to 15 digits starting at `at` (validated by the pattern). */
const digitsAt = (text: string, at: number): number => {
  let n = 0
  for (let c = text.charCodeAt(at); c >= 48 && c <= 57; c = text.charCodeAt(++at)) n = n * 10 + (c - 48)
  return n
}

/** The decimal between `start` and `end` as 1e-8 units (validated by the pattern). */
const unitsAt = (text: string, start: number, end: number): bigint =>
  end - start <= 16 ? fastUnits(text, start, end) : parseUnits(text, start, end, PRICE_SCALE)!

const SCALE_UP = [1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 1e2, 1e1, 1]
const SCALE_UP_BIG = SCALE_UP.map(BigInt)

/**
 * At most 15 digits, so `n` is exact in a double; and `n × 10^k` is exact too whenever the
 * result is at most 2^53 (a correctly rounded product of exact numbers that is representable
 * is the product). Then one BigInt conversion is all the bigint work there is.
 */
const fastUnits = (text: string, start: number, end: number): bigint => {
  let n = 0
  let places = -1
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i)
    if (c === 46) places = 0
    else {
      n = n * 10 + (c - 48)
      if (places >= 0) places++
    }
  }
  const k = places < 0 ? 0 : places
  const scaled = n * SCALE_UP[k]!
  return scaled <= Number.MAX_SAFE_INTEGER ? BigInt(scaled) : BigInt(n) * SCALE_UP_BIG[k]!
}
