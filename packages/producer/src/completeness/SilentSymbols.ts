/**
 * The completeness watermark: what the stream has delivered, checked against what the exchange
 * says exists. A stream that goes silent for one symbol, while the connection and the others go
 * on, shows no jump in ids: only the exchange's last trade id reveals the trades it never sent.
 *
 * Only ids the exchange already had at the previous check count as missing, and only while the
 * delivered id stood still since then: a trade made just before a check, whose frame is still on
 * its way, is never taken for lost, however quiet its symbol. A symbol not delivered at all since
 * the start begins from the exchange's first answer. Missing ids are then a gap like any other,
 * filled from REST.
 */
import type { Gap } from "@blockchaincore/core/gaps/Gap"

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

/** What a check saw of a symbol: the id delivered by then, and the exchange's. */
export interface Checked {
  readonly delivered: number
  readonly exchange: number
}

/**
 * The gaps this check finds, given each symbol's last delivered trade (undefined before the
 * first), what the previous check saw (updated here), the exchange's last ids (-1: no trade in
 * 24 h), and the market's time (the latest trade time of any symbol, which stands for the
 * unknown times of the missing trades).
 */
export const silentGaps = (
  delivered: ReadonlyMap<string, Delivered | undefined>,
  previous: Map<string, Checked>,
  exchange: ReadonlyMap<string, number>,
  marketTime: number
): Array<Gap> => {
  const gaps: Array<Gap> = []
  for (const [symbol, last] of delivered) {
    const theirs = exchange.get(symbol)
    if (theirs === undefined || theirs < 0) continue
    const before = previous.get(symbol)
    const ours = last?.id ?? before?.delivered ?? theirs
    previous.set(symbol, { delivered: ours, exchange: theirs })
    if (before === undefined || before.delivered !== ours || ours >= before.exchange) continue
    const fromTime = last?.time ?? marketTime
    gaps.push({ symbol, fromId: ours + 1, toId: before.exchange, fromTime, toTime: Math.max(fromTime, marketTime) })
    previous.set(symbol, { delivered: before.exchange, exchange: theirs })
  }
  return gaps
}
