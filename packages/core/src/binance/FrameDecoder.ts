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
import { PRICE_SCALE, parseUnits } from "../decimal/Decimal.ts"
import type { Trade } from "../trade/Trade.ts"
import { eventOf, StreamFrameFromJson, tradeOf } from "./StreamFrame.ts"

export type DecodedFrame =
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

// The scanner keeps its position in module state: it is synchronous and never re-entered, and
// this spares an object per frame.
let text = ""
let at = 0

/** The trade of a canonical Binance trade frame, or `undefined` if the frame is not one. */
export const scanTradeFrame = (frame: string): Trade | undefined => {
  text = frame
  at = 0
  if (frame.startsWith('{"stream":"', 0)) {
    at = 11
    if (skipPlainString() < 0 || !expect(',"data":')) return undefined
    const trade = scanTradeEvent()
    return trade !== undefined && expect("}") && at === frame.length ? trade : undefined
  }
  const trade = scanTradeEvent()
  return trade !== undefined && at === frame.length ? trade : undefined
}

const scanTradeEvent = (): Trade | undefined => {
  if (!expect('{"e":"trade","E":') || readId() < 0 || !expect(',"s":"')) return undefined
  const symbol = readSymbol()
  if (symbol === undefined || !expect(',"t":')) return undefined
  const id = readId()
  if (id < 0 || !expect(',"p":"')) return undefined
  const price = readUnits()
  if (price === undefined || !expect(',"q":"')) return undefined
  const qty = readUnits()
  if (qty === undefined || !expect(',"T":')) return undefined
  const time = readId()
  if (time < 0 || !expect(',"m":')) return undefined
  const buyerIsMaker = readBoolean()
  if (buyerIsMaker === undefined) return undefined
  if (text.startsWith(',"M":', at)) {
    at += 5
    if (readBoolean() === undefined) return undefined
  }
  if (!expect("}")) return undefined
  return { symbol, firstId: id, lastId: id, price, qty, time, buyerIsMaker }
}

const expect = (literal: string): boolean => {
  if (!text.startsWith(literal, at)) return false
  at += literal.length
  return true
}

/** A non-negative integer of at most 15 digits with no leading zero (a safe integer), or -1. */
const readId = (): number => {
  const start = at
  let n = 0
  for (; at < text.length; at++) {
    const c = text.charCodeAt(at)
    if (c < 48 || c > 57) break
    n = n * 10 + (c - 48)
  }
  const digits = at - start
  if (digits === 0 || digits > 15 || (digits > 1 && text.charCodeAt(start) === 48)) return -1
  return n
}

/** Skips a string with no escapes (the opening quote already consumed); -1 if there is none. */
const skipPlainString = (): number => {
  const start = at
  for (; at < text.length; at++) {
    const c = text.charCodeAt(at)
    if (c === 34 /* " */) break
    if (c === 92 /* \ */ || c < 32) return -1
  }
  if (at === text.length || at === start) return -1
  at++
  return at - start
}

const readSymbol = (): string | undefined => {
  const start = at
  for (; at < text.length; at++) {
    const c = text.charCodeAt(at)
    if (c === 34) break
    const upper = c >= 65 && c <= 90
    const digit = c >= 48 && c <= 57
    if (!upper && !digit) return undefined
  }
  const length = at - start
  if (at === text.length || length < 2 || length > 20) return undefined
  at++
  return text.slice(start, start + length)
}

const readUnits = (): bigint | undefined => {
  const start = at
  const end = text.indexOf('"', start)
  if (end < 0) return undefined
  at = end + 1
  return parseUnits(text, start, end, PRICE_SCALE)
}

const readBoolean = (): boolean | undefined => {
  if (expect("true")) return true
  if (expect("false")) return false
  return undefined
}
