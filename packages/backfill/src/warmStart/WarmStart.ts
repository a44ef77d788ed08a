/**
 * A warm start: before a symbol's first candle closes here, the candles its anomaly rules look back
 * over (`historyNeeded`, 60 by default) are filled from Binance's REST klines where the store has
 * fewer, marked as the exchange's (`source`). So the rules judge the first candle this runtime
 * closes instead of staying silent for an hour of 1m candles (and days of 1h ones). Only windows
 * older than any the store holds are written: ours, made from trades, win over the exchange's,
 * even one the processor writes while the warm start runs. Binance being
 * unreachable costs only the warm start, never the runtime: it is logged.
 */
import { Clock, Effect } from "effect"
import { type AnomalyConfig, DEFAULT_ANOMALY_CONFIG, historyNeeded, settingsFor } from "@blockchaincore/core/anomaly/AnomalyConfig"
import { type Interval, windowOpen } from "@blockchaincore/core/candle/Interval"
import { LOCATION_REFUSED_STATUS } from "@blockchaincore/binance/rest/LocationRefused"
import { CandleStore } from "@blockchaincore/core/ports/CandleStore"
import type { BinanceRest } from "@blockchaincore/binance/rest/BinanceRest"

export const warmStart = (
  rest: BinanceRest,
  symbols: ReadonlyArray<string>,
  intervals: ReadonlyArray<Interval>,
  config: AnomalyConfig = DEFAULT_ANOMALY_CONFIG
) =>
  Effect.gen(function* () {
    const store = yield* CandleStore
    let filled = 0
    // Refused once (HTTP 451), refused for every symbol and interval: said once, and the rest not asked.
    let refused = false
    for (const symbol of symbols) {
      for (const interval of intervals) {
        if (refused) break
        const needed = historyNeeded(settingsFor(config, symbol, interval))
        const fill = Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          const held = yield* store.candles({ symbol, interval, endTime: windowOpen(interval, now) - 1, limit: needed })
          if (held.length >= needed) return 0
          const klines = yield* rest.klines(symbol, interval, needed + 1)
          // Only windows older than the oldest held: the processor may be writing newer ones as this
          // runs (a backlog after a restart), and its candles win. The last kline is the window
          // still open: it is ours to make.
          const oldestHeld = held[0]?.openTime ?? Number.POSITIVE_INFINITY
          const missing = klines.filter((k) => k.closeTime < now && k.openTime < oldestHeld)
          if (missing.length > 0) yield* store.putCandles(missing)
          return missing.length
        })
        filled += yield* fill.pipe(
          Effect.catch((e) => {
            if (e._tag === "RestError" && e.status === LOCATION_REFUSED_STATUS) {
              refused = true
              return Effect.logWarning(`warm start skipped: ${e.message}`).pipe(Effect.as(0))
            }
            return Effect.logWarning(`warm start of ${symbol} ${interval} skipped: ${e.message}`).pipe(Effect.as(0))
          })
        )
      }
    }
    yield* Effect.logInfo(`warm start: ${filled} candles of ${symbols.length} symbol(s) taken from Binance's klines`)
    return filled
  })
