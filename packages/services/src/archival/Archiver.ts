/**
 * The archival service: when an hour closes for a symbol (its 1h candle), that hour's staged
 * trades become one Parquet file; when a day closes (its 1d candle), that day's candles of every
 * interval become one file per interval. A revision of either writes the file again, whole.
 */
import { Context, Effect, Layer } from "effect"
import { INTERVALS } from "@blockchaincore/core/candle/Interval"
import type { CandleClosed, CandleRevised } from "@blockchaincore/core/events/DomainEvent"
import { CandleStore } from "@blockchaincore/core/ports/CandleStore"
import { type StoreUnavailable } from "@blockchaincore/core/ports/StoreErrors"
import { type ArchiveUnavailable, TradeArchive } from "@blockchaincore/core/ports/TradeArchive"
import { DAY_MILLIS as DAY, utcDayOf } from "@blockchaincore/core/time/UtcTime"

export class Archiver extends Context.Service<
  Archiver,
  {
    readonly onCandle: (event: CandleClosed | CandleRevised) => Effect.Effect<void, StoreUnavailable | ArchiveUnavailable>
  }
>()("@blockchaincore/services/archival/Archiver") {
  static readonly layer = Layer.effect(
    Archiver,
    Effect.gen(function* () {
      const archive = yield* TradeArchive
      const store = yield* CandleStore
      return Archiver.of({
        onCandle: Effect.fn("Archiver.onCandle")(function* (event: CandleClosed | CandleRevised) {
          const { symbol, interval, openTime } = event.candle
          if (interval === "1h") {
            const trades = yield* archive.compactHour(symbol, openTime)
            yield* Effect.logInfo(`archive: ${symbol} ${new Date(openTime).toISOString().slice(0, 13)}h compacted, ${trades} trades`)
          }
          if (interval === "1d") {
            for (const i of INTERVALS) {
              const candles = yield* store.candles({ symbol, interval: i, startTime: openTime, endTime: openTime + DAY - 1, limit: 1440 })
              yield* archive.writeCandles(candles)
            }
            yield* Effect.logInfo(`archive: ${symbol} ${utcDayOf(openTime)} candles written`)
          }
        })
      })
    })
  )
}
