/**
 * A candle as Binance writes a kline: the twelve columns of the public archive's CSV and of the
 * REST API's array (openTime, open, high, low, close, volume, closeTime, quoteAssetVolume,
 * numberOfTrades, takerBuyBaseVolume, takerBuyQuoteVolume, ignore). Decimals with 8 places, as
 * strings, exactly as Binance's API sends them.
 */
import { formatUnits, PRICE_SCALE, QUOTE_SCALE } from "../decimal/Decimal.ts"
import type { Candle } from "./Candle.ts"

const price = (units: bigint) => formatUnits(units, PRICE_SCALE, 8)
const quote = (units: bigint) => formatUnits(units, QUOTE_SCALE, 8)

export type KlineRow = readonly [number, string, string, string, string, string, number, string, number, string, string, string]

/** What a kline row is made of: any window with a kline's numbers, stored or built on request. */
export type KlineFields = Pick<
  Candle,
  "openTime" | "open" | "high" | "low" | "close" | "volume" | "closeTime" | "quoteVolume" | "trades" | "takerBuyBaseVolume" | "takerBuyQuoteVolume" | "ignore"
>

export const klineRow = (c: KlineFields): KlineRow => [
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
]

export const klineCsvRow = (c: Candle): string => klineRow(c).join(",")
