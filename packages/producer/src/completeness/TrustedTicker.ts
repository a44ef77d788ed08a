/**
 * The 24 h ticker's last ids, as far as they prove anything. The ticker is a cache: its `lastId`
 * holds as of its own `closeTime`, not as of when it answered, and a cache behind another may
 * answer lower than the exchange said before. So a last id proves the windows ending before the
 * earlier of its `closeTime` and where the stream stood when asked, and an answer below a last id
 * reported before is stale and proves nothing.
 */
import type { TickerLastId } from "@blockchaincore/binance/rest/RestTicker"

export interface TrustedLastIds {
  /** Per symbol, the last id the exchange had. */
  readonly lastIds: ReadonlyMap<string, number>
  /** Per symbol, the time that last id is known to hold to. */
  readonly provenTime: ReadonlyMap<string, number>
}

/** A reader of answers, keeping the highest last id reported per symbol. */
export const makeTrustedTicker = () => {
  const highestReported = new Map<string, number>()
  return (answer: ReadonlyMap<string, Pick<TickerLastId, "lastId" | "closeTime">>, marketTime: number): TrustedLastIds => {
    const lastIds = new Map<string, number>()
    const provenTime = new Map<string, number>()
    for (const [symbol, { lastId, closeTime }] of answer) {
      if (lastId < (highestReported.get(symbol) ?? -1)) continue
      highestReported.set(symbol, lastId)
      lastIds.set(symbol, lastId)
      provenTime.set(symbol, Math.min(marketTime, closeTime))
    }
    return { lastIds, provenTime }
  }
}
