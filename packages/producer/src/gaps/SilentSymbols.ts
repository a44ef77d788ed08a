/**
 * The completeness watermark: what the stream has delivered, checked against what the exchange
 * says exists. A stream that goes silent for one symbol, while the connection and the others go
 * on, shows no jump in ids: only the exchange's last trade id reveals the trades it never sent.
 * A symbol is silent behind the exchange when its last delivered id has not moved since the
 * previous check and the exchange has a newer one; its missing ids are then a gap like any other,
 * filled from REST. Requiring two checks keeps trades merely in flight from looking missing.
 */
import type { GapFacts } from "@blockchaincore/core/events/DomainEvent"

export interface CompletenessOptions {
  /** How often the exchange is asked (one 24 h ticker request for all symbols). */
  readonly checkEveryMillis: number
  /** A stream still silent this long after it was first found behind is announced (StreamSilent). */
  readonly announceAfterMillis: number
}

/** Every 30 s: weight 2 a request up to 20 symbols, so 4 a minute, against Binance's 6,000; announced after 2 minutes. */
export const DEFAULT_COMPLETENESS: CompletenessOptions = { checkEveryMillis: 30_000, announceAfterMillis: 120_000 }

export interface Delivered {
  readonly id: number
  readonly time: number
}

/**
 * The gaps this check finds, given each symbol's last delivered trade, the ids seen at the
 * previous check (updated here), the exchange's last ids, and the market's time (the latest trade
 * time of any symbol, which stands for the unknown time of the last missing trade).
 */
export const silentGaps = (
  delivered: ReadonlyMap<string, Delivered | undefined>,
  previous: Map<string, number>,
  exchange: ReadonlyMap<string, number>,
  marketTime: number
): Array<GapFacts> => {
  const gaps: Array<GapFacts> = []
  for (const [symbol, last] of delivered) {
    const theirs = exchange.get(symbol)
    if (last === undefined || theirs === undefined) continue
    const unchanged = previous.get(symbol) === last.id
    previous.set(symbol, last.id)
    if (unchanged && theirs > last.id) {
      gaps.push({ symbol, fromId: last.id + 1, toId: theirs, fromTime: last.time, toTime: Math.max(last.time, marketTime) })
      previous.set(symbol, theirs)
    }
  }
  return gaps
}
