/**
 * Fills a gap of trade ids from REST `historicalTrades`, a page of up to 1000 ids at a time, as far
 * as REST can take it now. Binance serves these trades from a database its docs allow to lag the
 * market, so a page that ends before the gap does, or an answer that fails, means "not yet", never
 * "lost": what is still missing is handed back to be asked for again.
 */
import { Effect, Result } from "effect"
import type { Gap } from "@blockchaincore/core/gaps/Gap"
import type { Trade } from "@blockchaincore/core/trade/Trade"
import type { BinanceRest } from "@blockchaincore/binance/rest/BinanceRest"

export interface GapFill {
  /** The trades found, consecutive from the gap's first id. */
  readonly trades: ReadonlyArray<Trade>
  /** What is still missing (the gap's end), and why REST could not give it now; absent once filled. */
  readonly missing?: { readonly gap: Gap; readonly reason: string }
}

export const fillGap = Effect.fn("fillGap")(function* (rest: BinanceRest, gap: Gap): Effect.fn.Return<GapFill> {
  const trades: Array<Trade> = []
  const stillMissing = (reason: string): GapFill => ({
    trades,
    missing: { gap: { ...gap, fromId: next, fromTime: trades.at(-1)?.time ?? gap.fromTime }, reason }
  })
  let next = gap.fromId
  while (next <= gap.toId) {
    const page = yield* rest.historicalTrades(gap.symbol, next, gap.toId - next + 1).pipe(Effect.result)
    if (Result.isFailure(page)) return stillMissing(page.failure.message)
    const before = next
    for (const t of page.success) {
      if (t.firstId < next) continue
      if (t.firstId !== next || t.firstId > gap.toId) break
      trades.push(t)
      next++
    }
    if (next === before) return stillMissing(`REST has no trade ${next} of ${gap.symbol} yet`)
  }
  return { trades }
})
