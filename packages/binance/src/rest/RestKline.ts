/**
 * A kline as Binance's REST API sends it (`GET /api/v3/klines`): twelve columns, times as numbers,
 * decimals as strings. As a `Candle` it is marked as the exchange's (`source`), with no trade ids.
 */
import { Schema } from "effect"
import type { Candle } from "@blockchaincore/core/candle/Candle"
import type { Interval } from "@blockchaincore/core/candle/Interval"
import { Units16, Units8 } from "@blockchaincore/core/decimal/Decimal"
import { EpochMillis } from "@blockchaincore/core/trade/Trade"

export const RestKline = Schema.Tuple([
  EpochMillis,
  Units8,
  Units8,
  Units8,
  Units8,
  Units8,
  EpochMillis,
  Units16,
  Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  Units8,
  Units16,
  Schema.String
])
export type RestKline = typeof RestKline.Type

export const RestKlinesFromJson = Schema.fromJsonString(Schema.Array(RestKline))

export const candleOfRestKline = (symbol: string, interval: Interval, k: RestKline): Candle => ({
  symbol,
  interval,
  openTime: k[0],
  open: k[1],
  high: k[2],
  low: k[3],
  close: k[4],
  volume: k[5],
  closeTime: k[6],
  quoteVolume: k[7],
  trades: k[8],
  takerBuyBaseVolume: k[9],
  takerBuyQuoteVolume: k[10],
  ignore: "0",
  firstTradeId: null,
  lastTradeId: null,
  complete: true,
  source: "exchange"
})
