/**
 * Enrichment, the pipe's middle step: drops trades the processor has already applied (by its
 * stored state: at or below the highest id, outside any open gap, and not before a cold start's
 * first trade while its opening is awaited), and adds what downstream
 * needs: each symbol's instrument (from exchangeInfo) and the trades whose notional value
 * (price × quantity, exact) reaches the symbol's large-trade threshold.
 */
import { Context, Effect, Layer } from "effect"
import type { Instrument } from "@blockchaincore/core/trade/Instrument"
import { QUOTE_SCALE } from "@blockchaincore/core/decimal/Decimal"
import { isMissing } from "@blockchaincore/core/gaps/Gap"
import { EngineStateStore } from "@blockchaincore/core/ports/EngineStateStore"
import { type StoreUnavailable } from "@blockchaincore/core/ports/StoreErrors"
import type { EnrichedTradeBatch, LargeTrade } from "@blockchaincore/core/trade/EnrichedTradeBatch"
import type { SymbolTrades, TradeBatch } from "@blockchaincore/core/trade/TradeBatch"

interface EnrichmentOptions {
  readonly instruments: ReadonlyArray<Instrument>
  /** Notional (quote units, as Units16) from which a trade is large, per symbol. */
  readonly largeTradeNotional: Readonly<Record<string, bigint>>
  /** For symbols not named above: 100,000 of the quote asset. */
  readonly defaultLargeTradeNotional: bigint
}

export const defaultEnrichment = (instruments: ReadonlyArray<Instrument>): EnrichmentOptions => ({
  instruments,
  largeTradeNotional: {},
  defaultLargeTradeNotional: 100_000n * 10n ** BigInt(QUOTE_SCALE)
})

export class Enricher extends Context.Service<
  Enricher,
  {
    readonly enrich: (batch: TradeBatch) => Effect.Effect<EnrichedTradeBatch, StoreUnavailable>
  }
>()("@blockchaincore/services/enrichment/Enricher") {
  static readonly layer = (options: EnrichmentOptions) =>
    Layer.effect(
      Enricher,
      Effect.gen(function* () {
        const states = yield* EngineStateStore
        const bySymbol = new Map(options.instruments.map((i) => [i.symbol, i]))

        const fresh = Effect.fn("Enricher.fresh")(function* (part: SymbolTrades) {
          const { state } = yield* states.loadState(part.symbol)
          if (state === undefined) return part
          // Until a cold start's opening is applied, the ids before the first trade may all be its
          // (the opening may be in an earlier message of the same pipe batch): the engine decides.
          const start = state.unknownStart
          return {
            ...part,
            trades: part.trades.filter(([id]) => id > state.highestId || isMissing(state.gaps, id) || (start !== undefined && id < start.beforeId))
          }
        })

        return Enricher.of({
          enrich: Effect.fn("Enricher.enrich")(function* (batch: TradeBatch) {
            const symbols = yield* Effect.forEach(batch.symbols, fresh)
            const before = batch.symbols.reduce((n, s) => n + s.trades.length, 0)
            const after = symbols.reduce((n, s) => n + s.trades.length, 0)
            const largeTrades: Array<LargeTrade> = []
            for (const part of symbols) {
              const threshold = options.largeTradeNotional[part.symbol] ?? options.defaultLargeTradeNotional
              for (const [id, price, qty] of part.trades) {
                const notional = price * qty
                if (notional >= threshold) largeTrades.push({ symbol: part.symbol, id, notional })
              }
            }
            return {
              batch: { ...batch, symbols },
              instruments: symbols.flatMap((s) => {
                const i = bySymbol.get(s.symbol)
                return i === undefined ? [] : [i]
              }),
              largeTrades,
              dropped: before - after
            }
          })
        })
      })
    )
}
