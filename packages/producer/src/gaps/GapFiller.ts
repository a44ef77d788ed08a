/**
 * Fills a gap of trade ids from REST `historicalTrades`, a page of up to 1000 ids at a time.
 */
import { Effect, Result } from "effect"
import type { Gap } from "@blockchaincore/core/gaps/Gap"
import type { Trade } from "@blockchaincore/core/trade/Trade"
import type { BinanceRest } from "@blockchaincore/adapters/binance/BinanceRest"

type GapFill =
  | { readonly outcome: "filled"; readonly trades: ReadonlyArray<Trade> }
  | { readonly outcome: "unfillable"; readonly trades: ReadonlyArray<Trade>; readonly reason: string }

export const fillGap = Effect.fn("fillGap")(function*(rest: BinanceRest, gap: Gap): Effect.fn.Return<GapFill> {
    const trades: Array<Trade> = []
    let next = gap.fromId
    while (next <= gap.toId) {
      const page = yield* rest.historicalTrades(gap.symbol, next, gap.toId - next + 1).pipe(Effect.result)
      if (Result.isFailure(page)) return { outcome: "unfillable", trades, reason: page.failure.message } as const
      const wanted = page.success.filter((t) => t.firstId >= next && t.firstId <= gap.toId)
      if (wanted.length === 0 || wanted[0]!.firstId !== next) {
        return { outcome: "unfillable", trades, reason: `REST has no trade ${next} of ${gap.symbol}` } as const
      }
      for (const t of wanted) {
        if (t.firstId !== next) return { outcome: "unfillable", trades, reason: `REST skipped from ${next} to ${t.firstId}` } as const
        trades.push(t)
        next++
      }
    }
    return { outcome: "filled", trades } as const
  })
