/**
 * The domain's decimals as a reader writes them. A candle's and a trade's prices and quantities
 * are exact whole numbers of 1e-8 (`bigint`), quote volumes of 1e-16: `${candle.close}` prints
 * 6168599000000 for 61,685.99. These write them as decimals, exactly, with no trailing zeros
 * beyond `minPlaces`; `ratio` is for arithmetic a reader wants as a plain number (a change in
 * percent, say), never for storing money.
 */
import { formatUnits, PRICE_SCALE, QUOTE_SCALE } from "./Decimal.ts"

/** A price or base quantity (1e-8 units), e.g. `decimal(candle.close)` is "61685.99". */
export const decimal = (units: bigint, minPlaces = 2): string => formatUnits(units, PRICE_SCALE, { min: minPlaces })

/** A quote amount (1e-16 units: price × quantity), e.g. `quoteDecimal(candle.quoteVolume)`. */
export const quoteDecimal = (units: bigint, minPlaces = 2): string => formatUnits(units, QUOTE_SCALE, { min: minPlaces })

/** `a / b` of two values in the same units, as a number: for display and thresholds, not money. */
export const ratio = (a: bigint, b: bigint): number => {
  if (b === 0n) return Number.NaN
  // Twelve decimal places survive the division (a double holds fifteen significant digits).
  const scaled = (a * 10n ** 12n) / b
  return Number(scaled) / 1e12
}
