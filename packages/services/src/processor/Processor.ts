/**
 * The processor: an enriched `TradeBatch` in; candles stored, trades staged for the archive, domain events out. Per symbol it restores
 * the candle engine's state from the state store, applies the symbol's trades and watermark,
 * stores what closed or was revised, publishes the events, and only then saves the state,
 * conditionally on the version it read. A crash in between means the batch comes again: the
 * engine applies each trade id once, and the events it repeats carry the same ids, so consumers
 * see nothing new. A version conflict (another processor got there first) redoes the symbol
 * from the state that won.
 */
import { Context, Effect, Layer } from "effect"
import type { Candle } from "@blockchaincore/core/candle/Candle"
import { CandleEngine, CLOSE_GRACE_MILLIS, type EngineOptions, type EngineOutput } from "@blockchaincore/core/candle/CandleEngine"
import { candleClosed, candleRetracted, candleRevised, type DomainEvent } from "@blockchaincore/core/events/DomainEvent"
import { type BusUnavailable, EventBus } from "@blockchaincore/core/ports/EventBus"
import { childHop } from "@blockchaincore/observability/HopTiming"
import { type CandleKey, CandleStore } from "@blockchaincore/core/ports/CandleStore"
import { EngineStateStore } from "@blockchaincore/core/ports/EngineStateStore"
import { type StoreUnavailable } from "@blockchaincore/core/ports/StoreErrors"
import type { ArchivedTrade, ArchiveUnavailable } from "@blockchaincore/core/ports/TradeArchive"
import { TradeStaging } from "@blockchaincore/core/ports/TradeStaging"
import type { EnrichedTradeBatch } from "@blockchaincore/core/trade/EnrichedTradeBatch"
import { tradesOf, type SymbolTrades } from "@blockchaincore/core/trade/TradeBatch"
import type { Trade } from "@blockchaincore/core/trade/Trade"

export interface ProcessResult {
  readonly applied: number
  readonly duplicates: number
  readonly candles: number
  readonly events: number
}

/** The live pipeline's engine: a symbol it has no state for starts mid-stream, and waits for the producer's opening. */
export const DEFAULT_ENGINE: EngineOptions = { intervals: ["1m", "5m", "15m", "1h", "4h", "1d"], graceMillis: CLOSE_GRACE_MILLIS, awaitsOpening: true }

/** Tries of a symbol that keeps losing the race for its state before the batch fails (and is redelivered). */
const MAX_CONFLICTS = 5

export class Processor extends Context.Service<
  Processor,
  {
    readonly process: (batch: EnrichedTradeBatch) => Effect.Effect<ProcessResult, StoreUnavailable | BusUnavailable | ArchiveUnavailable>
  }
>()("@blockchaincore/services/processor/Processor") {
  /**
   * `stagedBy`: "each-batch" stages every batch's trades before saving its state; "by-caller"
   * leaves it to the caller, which stages (durably) before calling `process`, as the AWS
   * processor does to write one archive object per invocation instead of one per symbol.
   */
  static readonly layer = (options: EngineOptions = DEFAULT_ENGINE, stagedBy: "each-batch" | "by-caller" = "each-batch") =>
    Layer.effect(
      Processor,
      Effect.gen(function* () {
        const store = yield* CandleStore
        const states = yield* EngineStateStore
        const bus = yield* EventBus
        const staging = yield* TradeStaging

        const processSymbol = Effect.fn("Processor.processSymbol")(function* (part: SymbolTrades, large: ReadonlySet<string>) {
          const { version, state } = yield* states.loadState(part.symbol)
          const engine = state === undefined ? new CandleEngine(options) : CandleEngine.forSymbol(options, state)
          const trades = tradesOf(part)
          if (part.opening !== undefined) engine.open(part.symbol, part.opening)
          for (const trade of trades) engine.apply(trade)
          // Before the watermark moves: the windows it closes are then skipped, or emitted final, at once.
          if (part.statuses !== undefined) engine.setStatuses(part.symbol, part.statuses)
          if (part.confirmed !== undefined) engine.confirm(part.symbol, part.confirmed.lastId, part.confirmed.time)
          engine.advance(part.symbol, part.watermark)
          const outputs = engine.drain()
          // Staged before the state is saved: a crash before the save stages them again, once each.
          if (stagedBy === "each-batch") yield* staging.stage(archivedOf(trades, large))
          const { candles, retracted } = storeChanges(outputs)
          if (candles.length > 0) yield* store.putCandles(candles)
          if (retracted.length > 0) yield* store.deleteCandles(retracted)
          const events = eventsOf(outputs)
          if (events.length > 0) yield* childHop("bus", bus.publish(events))
          const saved = engine.snapshot().symbols[0]
          if (saved !== undefined) yield* states.saveState(part.symbol, saved, version)
          return { applied: engine.counters.applied, duplicates: engine.counters.duplicates, candles: candles.length, events: events.length }
        })

        const retried = (part: SymbolTrades, large: ReadonlySet<string>) =>
          processSymbol(part, large).pipe(
            Effect.retry({ times: MAX_CONFLICTS, while: (e) => e._tag === "VersionConflict" }),
            Effect.catchTag("VersionConflict", (e) => Effect.die(`state of ${e.symbol} kept changing under the processor`))
          )

        return Processor.of({
          process: (enriched) =>
            Effect.suspend(() => {
              const large = largeSet(enriched)
              return Effect.forEach(enriched.batch.symbols, (part) => retried(part, large))
            }).pipe(
              Effect.map((results) =>
                results.reduce<ProcessResult>(
                  (a, r) => ({
                    applied: a.applied + r.applied,
                    duplicates: a.duplicates + r.duplicates,
                    candles: a.candles + r.candles,
                    events: a.events + r.events
                  }),
                  { applied: 0, duplicates: 0, candles: 0, events: 0 }
                )
              )
            )
        })
      })
    )
}

const largeSet = (enriched: EnrichedTradeBatch) => new Set(enriched.largeTrades.map((t) => `${t.symbol}:${t.id}`))

/** Most batches hold no large trade: then no key is built per trade. */
const archivedOf = (trades: ReadonlyArray<Trade>, large: ReadonlySet<string>): Array<ArchivedTrade> =>
  trades.map((t) => ({ ...t, large: large.size > 0 && large.has(`${t.symbol}:${t.firstId}`) }))

/** A batch's trades as the archive keeps them, with their large-trade flags. */
export const archivedTradesOf = (enriched: EnrichedTradeBatch): Array<ArchivedTrade> => {
  const large = largeSet(enriched)
  return enriched.batch.symbols.flatMap((part) => archivedOf(tradesOf(part), large))
}

/** What the store must hold after the outputs, in their order: a window retracted and emitted again is kept, and the other way round. */
const storeChanges = (outputs: ReadonlyArray<EngineOutput>): { readonly candles: Array<Candle>; readonly retracted: Array<CandleKey> } => {
  const last = new Map<string, Candle | CandleKey>()
  for (const o of outputs) {
    if (o._tag === "CandleClosed" || o._tag === "CandleRevised") last.set(`${o.candle.interval}@${o.candle.openTime}`, o.candle)
    else if (o._tag === "CandleRetracted") last.set(`${o.interval}@${o.openTime}`, { symbol: o.symbol, interval: o.interval, openTime: o.openTime })
  }
  const candles: Array<Candle> = []
  const retracted: Array<CandleKey> = []
  for (const change of last.values()) {
    if ("close" in change) candles.push(change)
    else retracted.push(change)
  }
  return { candles, retracted }
}

const eventsOf = (outputs: ReadonlyArray<EngineOutput>): Array<DomainEvent> =>
  outputs.flatMap((o): Array<DomainEvent> => {
    switch (o._tag) {
      case "CandleClosed":
        return [candleClosed(o.candle)]
      case "CandleRevised":
        return [candleRevised(o.candle)]
      case "CandleRetracted":
        return [candleRetracted(o.symbol, o.interval, o.openTime, "the exchange has no kline for it: the symbol was halted")]
      // Gaps are the producer's to announce: it knows whether REST can fill them.
      case "GapOpened":
      case "GapClosed":
        return []
    }
  })
