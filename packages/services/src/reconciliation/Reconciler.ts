/**
 * The reconciliation service: when an hour of a symbol is final (its 1h candle closed, or revised,
 * as complete), its 1m candles are compared with the exchange's own klines for the same hour. The
 * outcome is a `HourReconciled` event, with both rows of every window that differs, and the
 * counters in `/metrics`. A provisional hour waits for the revision that makes it final.
 *
 * Binance serves klines from a database that may lag the market: they are compared once it has
 * moved past the hour (a kline after it exists), asked again with backoff for a few minutes
 * before the hour is compared as it stands. Windows before our first of the hour (a cold start
 * mid-hour, whose 1h candle holds the exchange's own klines of them) are not ours to compare.
 */
import { Clock, Context, Effect, Layer, Metric } from "effect"
import { differingWindows } from "@blockchaincore/core/candle/KlineComparison"
import { type CandleClosed, type CandleRevised, hourReconciled } from "@blockchaincore/core/events/DomainEvent"
import { CandleStore } from "@blockchaincore/core/ports/CandleStore"
import { type StoreUnavailable } from "@blockchaincore/core/ports/StoreErrors"
import { type BusUnavailable, EventBus } from "@blockchaincore/core/ports/EventBus"
import { ExchangeKlines, type ExchangeUnavailable } from "@blockchaincore/core/ports/ExchangeKlines"
import { retrySchedule } from "@blockchaincore/core/retry/RetrySchedule"

const HOUR = 3_600_000
const MINUTE = 60_000
/** Asked again after about 2, 4, 8, 16, 32 and 60 s: two minutes in all, then compared as it stands. */
const SETTLE = { schedule: retrySchedule({ baseMillis: 2_000, capMillis: 60_000 }), times: 6 }

const reconciledHours = Metric.counter("blockchaincore_reconciled_hours_total", { description: "Closed hours compared with the exchange's klines", incremental: true })
export const reconciliationMismatches = Metric.counter("blockchaincore_reconciliation_mismatches_total", { description: "1m windows that differed from the exchange's klines", incremental: true })
const lastReconciliation = Metric.gauge("blockchaincore_last_reconciliation_seconds", { description: "When an hour was last compared with the exchange's klines (Unix seconds)" })

/** The windows either side has. */
const windowsOf = (ours: ReadonlyArray<{ readonly openTime: number }>, theirs: ReadonlyArray<{ readonly openTime: number }>): number =>
  new Set([...ours, ...theirs].map((c) => c.openTime)).size

export class Reconciler extends Context.Service<Reconciler, {
  readonly onCandle: (event: CandleClosed | CandleRevised) => Effect.Effect<void, StoreUnavailable | ExchangeUnavailable | BusUnavailable>
}>()("@blockchaincore/services/reconciliation/Reconciler") {
  static readonly layer = Layer.effect(
    Reconciler,
    Effect.gen(function*() {
      const store = yield* CandleStore
      const exchange = yield* ExchangeKlines
      const bus = yield* EventBus
      return Reconciler.of({
        onCandle: Effect.fn("Reconciler.onCandle")(function*(event: CandleClosed | CandleRevised) {
          const { symbol, interval, openTime, complete } = event.candle
          if (interval !== "1h" || !complete) return
          const endTime = openTime + HOUR - 1
          const ours = yield* store.candles({ symbol, interval: "1m", startTime: openTime, endTime, limit: 60 })
          const asked = yield* exchange.klines(symbol, "1m", openTime, endTime + MINUTE).pipe(
            Effect.repeat({ ...SETTLE, until: (klines) => klines.some((k) => k.openTime > endTime) })
          )
          const from = ours[0]?.openTime ?? openTime
          const theirs = asked.filter((k) => k.openTime >= from && k.openTime <= endTime)
          const differences = differingWindows(ours, theirs)
          const checkedAt = yield* Clock.currentTimeMillis
          yield* Metric.update(reconciledHours, 1)
          yield* Metric.update(reconciliationMismatches, differences.length)
          yield* Metric.update(lastReconciliation, checkedAt / 1000)
          const hour = `${symbol} ${new Date(openTime).toISOString().slice(0, 13)}h`
          if (differences.length === 0) yield* Effect.logInfo(`reconciliation: ${hour} equals Binance's ${theirs.length} klines`)
          else {
            yield* Effect.logWarning(`reconciliation: ${hour}: ${differences.length} of ${windowsOf(ours, theirs)} windows differ from Binance's klines`)
            for (const d of differences) yield* Effect.logWarning(`  ${new Date(d.openTime).toISOString()} ours ${d.ours?.join(",") ?? "(none)"} | Binance ${d.theirs?.join(",") ?? "(none)"}`)
          }
          yield* bus.publish([hourReconciled({ symbol, openTime, windows: windowsOf(ours, theirs), differences, checkedAt })])
        })
      })
    })
  )
}
