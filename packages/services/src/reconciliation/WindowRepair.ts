/**
 * A final window the exchange contradicts is made again from the exchange's own trades of it
 * (`aggTrades`, each aggregate standing for its ids), and taken only if they make exactly the
 * exchange's kline: then it is proven. A window we have and the exchange has no kline for, and
 * no trade in, is a halt's: it goes. Anything else stays as it is, counted as still open, to be
 * looked at again when its hour is.
 */
import { Effect } from "effect"
import type { Candle } from "@blockchaincore/core/candle/Candle"
import { CandleEngine } from "@blockchaincore/core/candle/CandleEngine"
import { intervalMillis } from "@blockchaincore/core/candle/Interval"
import type { ExchangeKlines } from "@blockchaincore/core/ports/ExchangeKlines"
import { sameKline } from "@blockchaincore/core/candle/KlineComparison"

export type WindowRepair =
  | { readonly _tag: "Replaced"; readonly candle: Candle }
  | { readonly _tag: "Removed"; readonly openTime: number }
  | { readonly _tag: "Open"; readonly openTime: number; readonly reason: string }

/** The 1m window of `symbol` at `openTime`, as the exchange's trades make it, checked against its kline (`theirs`, if it has one). */
export const repairMinute = Effect.fn("repairMinute")(function* (
  exchange: ExchangeKlines["Service"],
  symbol: string,
  openTime: number,
  theirs: Candle | undefined
) {
  const trades = yield* exchange.trades(symbol, openTime, openTime + intervalMillis["1m"] - 1)
  if (theirs === undefined) {
    return trades.length === 0
      ? ({ _tag: "Removed", openTime } satisfies WindowRepair)
      : ({ _tag: "Open", openTime, reason: `the exchange has ${trades.length} trades but no kline` } satisfies WindowRepair)
  }
  // A minute without trades is the kline itself: its prices are the close carried from before.
  if (trades.length === 0) {
    return theirs.trades === 0
      ? ({ _tag: "Replaced", candle: { ...theirs, complete: true } } satisfies WindowRepair)
      : ({ _tag: "Open", openTime, reason: "the exchange has no trades of it yet" } satisfies WindowRepair)
  }
  const engine = new CandleEngine({ intervals: ["1m"], graceMillis: 0 })
  for (const trade of trades) engine.apply(trade)
  engine.flush()
  const made = engine.drain().flatMap((o) => (o._tag === "CandleClosed" && o.candle.openTime === openTime ? [o.candle] : []))[0]
  if (made === undefined || !sameKline(made, theirs)) {
    return { _tag: "Open", openTime, reason: `its ${trades.length} trades make another kline than the exchange's` } satisfies WindowRepair
  }
  return { _tag: "Replaced", candle: { ...made, complete: true } } satisfies WindowRepair
})
