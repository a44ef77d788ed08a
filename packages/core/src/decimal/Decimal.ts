/**
 * Exact decimals for prices, quantities and their sums, as fixed-point integers.
 *
 * Binance sends prices and quantities as decimal strings with at most 8 places, so every one of
 * them is a whole number of 1e-8 units. We hold them as a `bigint` count of those units
 * (`Units8`), and sums of price × quantity as a count of 1e-16 units (`Units16`), where every
 * product is exact. Addition and comparison are then plain integer operations: no floats, no
 * rounding, no normalisation on the hot path. Formatting rounds only when a caller asks for fewer
 * places than a value has (half to even).
 */
import { Effect, Schema, SchemaGetter, SchemaIssue } from "effect"

/** Places in a Binance price or quantity, and the scale of `Units8`. */
export const PRICE_SCALE = 8
/** The scale of `Units16`: price × quantity. */
export const QUOTE_SCALE = 16

const POW10: ReadonlyArray<bigint> = Array.from({ length: QUOTE_SCALE + 1 }, (_, i) => 10n ** BigInt(i))

const pow10 = (n: number): bigint => POW10[n] ?? 10n ** BigInt(n)

/**
 * Reads the decimal between `start` and `end` of `text` as a count of `10^-scale` units, or
 * `undefined` if it is not a plain non-negative decimal with at most `scale` places and no
 * leading zeros ("61837.63000000", "0.5", "12"). Works on a slice of a larger string so that a
 * frame parser need not allocate one.
 */
export const parseUnits = (text: string, start: number, end: number, scale: number): bigint | undefined => {
  if (start >= end) return undefined
  let digits = 0
  let places = -1
  let small = 0
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i)
    if (c === 46 /* . */) {
      if (places >= 0 || i === start || i === end - 1) return undefined
      places = 0
      continue
    }
    if (c < 48 || c > 57) return undefined
    if (places >= 0 && ++places > scale) return undefined
    small = small * 10 + (c - 48)
    digits++
  }
  const leadingZero = text.charCodeAt(start) === 48 && end - start > 1 && text.charCodeAt(start + 1) !== 46
  if (leadingZero) return undefined
  const pad = pow10(scale - (places < 0 ? 0 : places))
  // Up to 15 digits are exact in a double; longer numbers go through bigint's own parser.
  if (digits <= 15) return BigInt(small) * pad
  return BigInt(text.slice(start, end).replace(".", "")) * pad
}

/**
 * `units × 10^-scale` written with `places` decimals: exactly `places` if given as a number,
 * or, given `{ min }`, as many as the value needs but at least `min`.
 */
export const formatUnits = (units: bigint, scale: number, places: number | { readonly min: number }): string => {
  if (typeof places !== "number") {
    let needed = scale
    while (needed > places.min && units % pow10(scale - needed + 1) === 0n) needed--
    return formatUnits(units, scale, needed)
  }
  let v = units
  if (scale > places) {
    const div = pow10(scale - places)
    const q = v / div
    const r = v % div
    const twice = (r < 0n ? -r : r) * 2n
    v = twice > div || (twice === div && q % 2n !== 0n) ? q + (v < 0n ? -1n : 1n) : q
  } else if (scale < places) {
    v = v * pow10(places - scale)
  }
  const negative = v < 0n
  const digits = (negative ? -v : v).toString().padStart(places + 1, "0")
  const head = digits.slice(0, digits.length - places)
  const body = places > 0 ? `${head}.${digits.slice(digits.length - places)}` : head
  return negative ? `-${body}` : body
}

const unitsSchema = (scale: number, places: number | { readonly min: number }, example: string) =>
  Schema.String.pipe(
    Schema.decodeTo(Schema.BigInt, {
      decode: SchemaGetter.transformEffect<bigint, string>((s, options) => {
        const units = parseUnits(s, 0, s.length, scale)
        return units === undefined
          ? Effect.fail(
              new SchemaIssue.InvalidValue(
                { message: `Expected a non-negative decimal with at most ${scale} places (like "${example}"), got ${JSON.stringify(s)}` },
                s,
                options
              )
            )
          : Effect.succeed(units)
      }),
      encode: SchemaGetter.transform((units: bigint) => formatUnits(units, scale, places))
    })
  )

/** A Binance price or quantity: on the wire a decimal string with at most 8 places. */
export const Units8 = unitsSchema(PRICE_SCALE, PRICE_SCALE, "61837.63000000")

/** A sum of price × quantity: on the wire a decimal string with at most 16 places (at least 8 written). */
export const Units16 = unitsSchema(QUOTE_SCALE, { min: PRICE_SCALE }, "1236.75260000")
