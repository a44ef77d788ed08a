/**
 * The first stages: each frame decoded (core's hand-written decoder), then sequenced by trade id
 * per symbol (core's `TradeSequence`). A repeat is dropped; a jump in ids is a gap, handed on to
 * be filled; a trade of a symbol not asked for is ignored; a malformed frame is counted and
 * handed on with a sample. Everything else goes on to the batcher.
 *
 * It is synchronous and called once per frame: the hot path, with nothing allocated for a frame
 * that is simply the next trade.
 */
import { decodeFrame } from "@blockchaincore/binance/stream/FrameDecoder"
import type { Gap } from "@blockchaincore/core/gaps/Gap"
import { TradeSequence } from "@blockchaincore/core/gaps/TradeSequence"
import type { Trade } from "@blockchaincore/core/trade/Trade"
import { QuietMinutes } from "../completeness/QuietMinutes.ts"
import type { ProducerMetrics, SymbolCounters } from "../metrics/ProducerMetrics.ts"

/** One wanted symbol: its counters, where its delivered trade ids stand, and its minutes without trades. */
export interface StreamedSymbol {
  readonly counters: SymbolCounters
  readonly sequence: TradeSequence
  readonly quiet: QuietMinutes
}

/** The wanted symbols, each found with one lookup per frame; resumed after `resumeFrom`'s trade where given. */
export const streamedSymbols = (
  symbols: ReadonlyArray<string>,
  metrics: ProducerMetrics,
  resumeFrom: ReadonlyMap<string, { readonly id: number; readonly time: number }> | undefined
): ReadonlyMap<string, StreamedSymbol> =>
  new Map(
    symbols.map((symbol) => [
      symbol,
      { counters: metrics.symbol(symbol), sequence: new TradeSequence(symbol, resumeFrom?.get(symbol)), quiet: new QuietMinutes(resumeFrom?.get(symbol)?.time) }
    ])
  )

interface Sequenced {
  readonly trade: (trade: Trade, now: number) => void
  /** The first trade of a symbol with nothing delivered before it: a cold start. */
  readonly first: (trade: Trade, now: number) => void
  readonly gap: (gap: Gap, now: number) => void
  readonly malformed: (sample: { readonly frame: string; readonly reason: string }) => void
}

export const makeFrameSequencer =
  (symbols: ReadonlyMap<string, StreamedSymbol>, metrics: ProducerMetrics, out: Sequenced) =>
  (text: string, now: number): void => {
    const decoded = decodeFrame(text)
    if (decoded._tag === "Trade") {
      const trade = decoded.trade
      const state = symbols.get(trade.symbol)
      if (state === undefined) return
      const counters = state.counters
      counters.frames++
      // A frame of its own, even one already filled from REST: its stream is not silent.
      counters.silentSince = 0
      if (!state.sequence.isAhead(trade)) {
        metrics.counters.duplicatesDropped++
        return
      }
      if (!state.sequence.started) out.first(trade, now)
      const gap = state.sequence.advance(trade)
      if (gap !== undefined) {
        metrics.counters.gapsFound++
        out.gap(gap, now)
      }
      counters.trades++
      state.quiet.traded(trade.time)
      if (trade.time >= counters.lastTradeTime) {
        counters.lastTradeTime = trade.time
        counters.lastTradeAt = now
      }
      out.trade(trade, now)
    } else if (decoded._tag === "Invalid") {
      metrics.counters.framesMalformed++
      metrics.counters.lastMalformed = { frame: text.slice(0, 300), reason: decoded.message }
      out.malformed(metrics.counters.lastMalformed)
    }
  }
