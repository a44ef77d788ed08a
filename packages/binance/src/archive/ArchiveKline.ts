/**
 * Binance's own 1m klines as its public archive publishes them beside the trades
 * (`data/spot/{daily,monthly}/klines/<SYMBOL>/1m/…`): the twelve REST columns as CSV, without a
 * header in older files, times in milliseconds (13 digits) or, from 2025, microseconds (16
 * digits). What the backfill holds its candles against.
 */
import { Result, Schema } from "effect"
import type { Candle } from "@blockchaincore/core/candle/Candle"
import { Units16, Units8 } from "@blockchaincore/core/decimal/Decimal"

const Count = Schema.FiniteFromString.check(Schema.isInt(), Schema.isGreaterThanOrEqualTo(0))
const Time = Schema.String.check(Schema.isPattern(/^[1-9][0-9]{12}(?:[0-9]{3})?$/, { message: "Expected a time of 13 (ms) or 16 (µs) digits" }))

const KlineRow = Schema.Tuple([Time, Units8, Units8, Units8, Units8, Units8, Time, Units16, Count, Units8, Units16, Schema.String])
const decodeRow = Schema.decodeUnknownResult(KlineRow)

/** A 16-digit time is in microseconds: its millisecond (a close time's …999999 is …999). */
const millisOf = (text: string): number => (text.length === 16 ? Math.floor(Number(text) / 1000) : Number(text))

/** True for the header some files have. */
export const isKlineHeader = (fields: ReadonlyArray<string>): boolean => fields[0] === "open_time"

/** One row as the exchange's 1m candle of `symbol`, or why it is not one. */
export const decodeArchiveKline = (symbol: string, fields: ReadonlyArray<string>): Result.Result<Candle, string> =>
  Result.match(decodeRow(fields), {
    onFailure: (e) => Result.fail(`not a kline row: ${e.message}`),
    onSuccess: ([openTime, open, high, low, close, volume, closeTime, quoteVolume, trades, takerBuyBaseVolume, takerBuyQuoteVolume]) =>
      Result.succeed({
        symbol,
        interval: "1m" as const,
        openTime: millisOf(openTime),
        open,
        high,
        low,
        close,
        volume,
        closeTime: millisOf(closeTime),
        quoteVolume,
        trades,
        takerBuyBaseVolume,
        takerBuyQuoteVolume,
        ignore: "0",
        firstTradeId: null,
        lastTradeId: null,
        complete: true,
        source: "exchange" as const
      })
  })
