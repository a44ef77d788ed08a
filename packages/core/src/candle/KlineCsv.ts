/**
 * A candle as a row of Binance's kline CSV (the public archive's and the REST API's twelve
 * columns): openTime, open, high, low, close, volume, closeTime, quoteAssetVolume,
 * numberOfTrades, takerBuyBaseVolume, takerBuyQuoteVolume, ignore. Decimals with 8 places.
 */
import { formatUnits, PRICE_SCALE, QUOTE_SCALE } from "../decimal/Decimal.ts"
import type { Candle } from "./Candle.ts"

const price = (units: bigint) => formatUnits(units, PRICE_SCALE, 8)
const quote = (units: bigint) => formatUnits(units, QUOTE_SCALE, 8)

export const klineCsvRow = (c: Candle): string =>
  [
    c.openTime,
    price(c.open),
    price(c.high),
    price(c.low),
    price(c.close),
    price(c.volume),
    c.closeTime,
    quote(c.quoteVolume),
    c.trades,
    price(c.takerBuyBaseVolume),
    quote(c.takerBuyQuoteVolume),
    c.ignore
  ].join(",")
