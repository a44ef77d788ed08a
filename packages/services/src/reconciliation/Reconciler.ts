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
 * Each hour is compared again a day later. A window that differs is repaired where the exchange's
 * own trades allow (WindowRepair.ts); the counters say found, repaired and still open.
 */
import { Clock, Context, Effect, Layer, Metric } from "effect"
import { differingWindows } from "@blockchaincore/core/candle/KlineComparison"
import { type CandleClosed, candleRetracted, type CandleRevised, candleRevised, hourReconciled } from "@blockchaincore/core/events/DomainEvent"
import type { Candle } from "@blockchaincore/core/candle/Candle"
import { type Interval, windowClose, windowOpen } from "@blockchaincore/core/candle/Interval"
import { CandleRepairs } from "@blockchaincore/core/ports/CandleRepairs"
import { repairMinute, type WindowRepair } from "./WindowRepair.ts"
import { CandleStore } from "@blockchaincore/core/ports/CandleStore"
import { type StoreUnavailable } from "@blockchaincore/core/ports/StoreErrors"
import { type BusUnavailable, EventBus } from "@blockchaincore/core/ports/EventBus"
import { ExchangeKlines, type ExchangeUnavailable } from "@blockchaincore/core/ports/ExchangeKlines"
import { retrySchedule } from "@blockchaincore/core/retry/RetrySchedule"
import { DAY_MILLIS as DAY, HOUR_MILLIS as HOUR, MINUTE_MILLIS as MINUTE } from "@blockchaincore/core/time/UtcTime"

/** The windows longer than the hour that hold a repaired minute. */
const BEYOND_THE_HOUR: ReadonlyArray<Interval> = ["4h", "1d"]
const REPAIRED = "the exchange has no kline and no trade of it (reconciliation)"
/** Asked again after about 2, 4, 8, 16, 32 and 60 s: two minutes in all, then compared as it stands. */
const SETTLE = { schedule: retrySchedule({ baseMillis: 2_000, capMillis: 60_000 }), times: 6 }

const reconciledHours = Metric.counter("blockchaincore_reconciled_hours_total", {
  description: "Closed hours compared with the exchange's klines",
  incremental: true
})
export const reconciliationMismatches = Metric.counter("blockchaincore_reconciliation_mismatches_total", {
  description: "1m windows that differed from the exchange's klines",
  incremental: true
})
export const reconciliationRepaired = Metric.counter("blockchaincore_reconciliation_repaired_total", {
  description: "1m windows that differed from the exchange's klines and were made again from its trades",
  incremental: true
})
export const reconciliationUnrepaired = Metric.counter("blockchaincore_reconciliation_unrepaired_total", {
  description: "1m windows that still differed from the exchange's klines after a repair was tried",
  incremental: true
})
const lastReconciliation = Metric.gauge("blockchaincore_last_reconciliation_seconds", {
  description: "When an hour was last compared with the exchange's klines (Unix seconds)"
})

/** The windows either side has. */
const windowsOf = (ours: ReadonlyArray<{ readonly openTime: number }>, theirs: ReadonlyArray<{ readonly openTime: number }>): number =>
  new Set([...ours, ...theirs].map((c) => c.openTime)).size

export class Reconciler extends Context.Service<
  Reconciler,
  {
    readonly onCandle: (event: CandleClosed | CandleRevised) => Effect.Effect<void, StoreUnavailable | ExchangeUnavailable | BusUnavailable>
  }
>()("@blockchaincore/services/reconciliation/Reconciler") {
  static readonly layer = Layer.effect(
    Reconciler,
    Effect.gen(function* () {
      const store = yield* CandleStore
      const exchange = yield* ExchangeKlines
      const bus = yield* EventBus
      const writes = yield* CandleRepairs

      /**
       * Repaired minutes into the store and onto the bus (revised, or retracted), and the 4h and
       * 1d windows holding them that have closed as the exchange's own klines of them (the hour's
       * own 5m, 15m and 1h are `reconcileLonger`'s). Returns the repaired minutes' open times.
       */
      const applyRepairs = Effect.fn("Reconciler.applyRepairs")(function* (symbol: string, repairs: ReadonlyArray<WindowRepair>) {
        const replaced = repairs.flatMap((r) => (r._tag === "Replaced" ? [r.candle] : []))
        const removed = repairs.flatMap((r) => (r._tag === "Removed" ? [r.openTime] : []))
        const minutes = [...replaced.map((c) => c.openTime), ...removed]
        if (minutes.length === 0) return []
        const now = yield* Clock.currentTimeMillis
        const longer: Array<Candle> = []
        for (const interval of BEYOND_THE_HOUR) {
          for (const windowOpenTime of new Set(minutes.map((m) => windowOpen(interval, m)))) {
            if (windowClose(interval, windowOpenTime) >= now) continue
            const [kline] = yield* exchange.klines(symbol, interval, windowOpenTime, windowOpenTime)
            if (kline !== undefined && kline.openTime === windowOpenTime) longer.push({ ...kline, complete: true })
          }
        }
        yield* writes.putCandles([...replaced, ...longer])
        yield* writes.deleteCandles(removed.map((openTime) => ({ symbol, interval: "1m" as const, openTime })))
        yield* bus.publish([...[...replaced, ...longer].map(candleRevised), ...removed.map((openTime) => candleRetracted(symbol, "1m", openTime, REPAIRED))])
        return minutes.sort((a, b) => a - b)
      })

      /**
       * The hour's 5m, 15m and 1h windows from our first on against the exchange's klines of them
       * (settled, as its 1m klines are): one that differs takes the exchange's, one it has no
       * kline for (a halt's) goes. Returns how many differed.
       */
      const reconcileLonger = Effect.fn("Reconciler.reconcileLonger")(function* (symbol: string, openTime: number, from: number) {
        const endTime = openTime + HOUR - 1
        let found = 0
        for (const interval of ["5m", "15m", "1h"] as const) {
          const first = windowOpen(interval, from)
          const ours = yield* store.candles({ symbol, interval, startTime: first, endTime, limit: 60, consistent: true })
          const theirs = (yield* exchange.klines(symbol, interval, first, endTime)).filter((k) => k.openTime >= first && k.openTime <= endTime)
          const differing = differingWindows(ours, theirs)
          if (differing.length === 0) continue
          found += differing.length
          const taken = theirs.filter((k) => differing.some((d) => d.openTime === k.openTime)).map((k) => ({ ...k, complete: true }))
          const gone = differing.filter((d) => d.theirs === null).map((d) => d.openTime)
          yield* Effect.logWarning(
            `reconciliation: ${symbol} ${interval} ${differing.map((d) => new Date(d.openTime).toISOString()).join(", ")} differed from Binance's klines: Binance's taken`
          )
          yield* writes.putCandles(taken)
          yield* writes.deleteCandles(gone.map((t) => ({ symbol, interval, openTime: t })))
          yield* bus.publish([...taken.map(candleRevised), ...gone.map((t) => candleRetracted(symbol, interval, t, REPAIRED))])
        }
        return { found }
      })

      /** One hour of `symbol` against the exchange; `again`: a day later, where nothing is held for it, nothing is said. */
      const reconcileHour = Effect.fn("Reconciler.reconcileHour")(function* (symbol: string, openTime: number, again: boolean) {
        const endTime = openTime + HOUR - 1
        // Strongly consistent: the processor's last writes of the hour are in what is compared.
        const ours = yield* store.candles({ symbol, interval: "1m", startTime: openTime, endTime, limit: 60, consistent: true })
        if (again && ours.length === 0) return
        const asked = yield* exchange
          .klines(symbol, "1m", openTime, endTime + MINUTE)
          .pipe(Effect.repeat({ ...SETTLE, until: (klines) => klines.some((k) => k.openTime > endTime) }))
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
          for (const d of differences)
            yield* Effect.logWarning(
              `  ${new Date(d.openTime).toISOString()} ours ${d.ours?.join(",") ?? "(none)"} | Binance ${d.theirs?.join(",") ?? "(none)"}`
            )
        }
        const repairs = yield* Effect.forEach(differences, (d) =>
          repairMinute(
            exchange,
            symbol,
            d.openTime,
            theirs.find((k) => k.openTime === d.openTime)
          ).pipe(Effect.catchTag("ExchangeUnavailable", (e) => Effect.succeed<WindowRepair>({ _tag: "Open", openTime: d.openTime, reason: e.message })))
        )
        const repaired = yield* applyRepairs(symbol, repairs)
        for (const r of repairs)
          if (r._tag === "Open") yield* Effect.logWarning(`reconciliation: ${symbol} ${new Date(r.openTime).toISOString()} still differs: ${r.reason}`)
        if (repaired.length > 0)
          yield* Effect.logInfo(`reconciliation: ${hour}: ${repaired.length} of ${differences.length} windows repaired from Binance's trades`)
        const longer = yield* reconcileLonger(symbol, openTime, from)
        yield* Metric.update(reconciliationMismatches, longer.found)
        yield* Metric.update(reconciliationRepaired, repaired.length + longer.found)
        yield* Metric.update(reconciliationUnrepaired, differences.length - repaired.length)
        yield* bus.publish([
          hourReconciled({ symbol, openTime, windows: windowsOf(ours, theirs), differences, checkedAt, ...(differences.length === 0 ? {} : { repaired }) })
        ])
      })

      return Reconciler.of({
        onCandle: Effect.fn("Reconciler.onCandle")(function* (event: CandleClosed | CandleRevised) {
          const { symbol, interval, openTime, complete } = event.candle
          if (interval !== "1h" || !complete) return
          yield* reconcileHour(symbol, openTime, false)
          // Asked again a day later, when Binance's klines and trades have long settled: what a
          // lagging answer hid, or a later fill changed, is found then.
          yield* reconcileHour(symbol, openTime - DAY, true)
        })
      })
    })
  )
}
