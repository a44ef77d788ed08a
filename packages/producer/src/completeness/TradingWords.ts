/**
 * The exchange's word on each symbol's trading, dated by the exchange. A status answer says only
 * how things stand at its `serverTime`; a halt began somewhere between the last answer that said
 * `TRADING` and the first that did not. Binance's own klines date it exactly: it makes a kline
 * for every minute the symbol trades and none in a halt. So on a halt's first answer the klines
 * since the last `TRADING` answer are asked for, and the halt is dated from the end of the last
 * one; its end, likewise, by the first kline after the last answer that said it was halted.
 * Between halts an answer says "trading through `serverTime`": what proves that a window without
 * trades is a kline. But a halt may begin and end between two checks; so where the stream had a
 * minute without trades (`QuietMinutes`), the klines since are asked first: a quiet minute without
 * a kline before the last kline is a halt, said with its start and end, and the word of trading
 * goes no further than the klines reach. An answer that cannot be dated (the klines request
 * failed) is left for the next check, so nothing is said rather than something wrong.
 */
import { Effect } from "effect"
import type { BinanceRest } from "@blockchaincore/binance/rest/BinanceRest"
import { isTrading } from "@blockchaincore/binance/rest/SymbolStatus"
import { intervalMillis } from "@blockchaincore/core/candle/Interval"
import type { Batcher } from "../batching/Batcher.ts"
import type { StreamedSymbol } from "../sequence/FrameSequencer.ts"

const MINUTE = intervalMillis["1m"]
const minuteOf = (time: number) => time - (time % MINUTE)
/** How far back a halt is looked for when nothing earlier is known: Binance's klines go back further. */
const LOOK_BACK_MILLIS = 900 * MINUTE
/**
 * Symbols whose quiet minutes are dated by klines per answer (weight 5 each): with every check
 * 30 s apart, at most 200 weight a minute, whatever the number of quiet symbols. The others say
 * "trading" only up to their first quiet minute, and are served first at the next answer.
 */
const QUIET_DATED_PER_ANSWER = 20

export const makeTradingWords = (symbols: ReadonlyMap<string, StreamedSymbol>, rest: BinanceRest, batcher: Batcher) => {
  /** Per symbol: the server time of the last answer that said it trades, and of the last that said it does not. */
  const lastTrading = new Map<string, number>()
  const lastHalted = new Map<string, number>()

  /** The start of a halt first seen at `serverTime`: the end of the last kline Binance made before it. */
  const haltStart = (symbol: string, serverTime: number) => {
    const state = symbols.get(symbol)
    const tradedUntil = state !== undefined && state.sequence.started ? state.sequence.lastTime : -1
    const known = lastTrading.get(symbol) ?? Math.max(tradedUntil, serverTime - LOOK_BACK_MILLIS)
    const from = minuteOf(known)
    return rest.klinesBetween(symbol, "1m", from, serverTime).pipe(
      Effect.map((klines) => {
        const lastKline = klines.filter((k) => k.openTime <= serverTime).at(-1)
        // Never before a minute known to have traded: a lagging klines database may not have it yet.
        return Math.max(from, lastKline === undefined ? from : lastKline.openTime + MINUTE, tradedUntil < 0 ? from : minuteOf(tradedUntil) + MINUTE)
      })
    )
  }

  /** The end of a halt seen over at `serverTime`: the first kline since the last answer that said halted. */
  const haltEnd = (symbol: string, serverTime: number) => {
    const from = minuteOf(lastHalted.get(symbol) ?? serverTime)
    return rest
      .klinesBetween(symbol, "1m", from, serverTime)
      .pipe(Effect.map((klines) => Math.min(klines[0]?.openTime ?? minuteOf(serverTime), minuteOf(serverTime))))
  }

  /**
   * How far `symbol` is known to have traded at an answer of `serverTime` that says it trades: the
   * answer's time, unless the stream had quiet minutes; those are dated by the klines, each run of
   * them without a kline said as a halt, and the word reaches only as far as the klines do.
   */
  const tradingThrough = (symbol: string, state: StreamedSymbol, serverTime: number, mayAsk: boolean) => {
    const quietFrom = state.quiet.since(serverTime)
    if (quietFrom < 0) return Effect.succeed(serverTime)
    if (!mayAsk) return Effect.succeed(quietFrom)
    quietAsked++
    return rest.klinesBetween(symbol, "1m", quietFrom, serverTime).pipe(
      Effect.map((klines) => {
        const minutes = new Set(klines.map((k) => k.openTime))
        const reached = Math.max(quietFrom, ...klines.map((k) => k.openTime + MINUTE))
        let haltFrom = -1
        for (let minute = quietFrom; minute <= reached; minute += MINUTE) {
          const halted = minute < reached && !minutes.has(minute)
          if (halted && haltFrom < 0) haltFrom = minute
          if (!halted && haltFrom >= 0) {
            batcher.setStatus(symbol, false, haltFrom)
            batcher.setStatus(symbol, true, minute)
            haltFrom = -1
          }
        }
        state.quiet.datedUntil(reached)
        return Math.min(serverTime, reached)
      })
    )
  }

  /**
   * Takes in one answer: says each symbol's word to the batcher, returns the symbols whose status
   * changed (with the status before, "" for none) for the log.
   */
  let quietAsked = 0
  /** Where this answer starts among the symbols: a different one each time, so that no quiet symbol waits for ever. */
  let first = 0
  const all = [...symbols]

  return (serverTime: number, statuses: ReadonlyMap<string, string>) =>
    Effect.gen(function* () {
      const changed: Array<{ readonly symbol: string; readonly status: string; readonly was: string }> = []
      quietAsked = 0
      first = all.length === 0 ? 0 : (first + QUIET_DATED_PER_ANSWER) % all.length
      for (const [symbol, state] of [...all.slice(first), ...all.slice(0, first)]) {
        const status = statuses.get(symbol)
        if (status === undefined) continue
        const was = state.counters.status
        const trading = isTrading(status)
        if (trading) {
          if (was !== "" && !isTrading(was)) {
            const end = yield* haltEnd(symbol, serverTime).pipe(Effect.option)
            if (end._tag === "None") continue
            batcher.setStatus(symbol, true, end.value)
            // The halt's minutes are dated: no kline, and none said again.
            state.quiet.datedUntil(end.value)
          }
          const through = yield* tradingThrough(symbol, state, serverTime, quietAsked < QUIET_DATED_PER_ANSWER).pipe(Effect.option)
          if (through._tag === "None") continue
          batcher.setStatus(symbol, true, through.value)
          lastTrading.set(symbol, serverTime)
        } else {
          if (was === "" || isTrading(was)) {
            const start = yield* haltStart(symbol, serverTime).pipe(Effect.option)
            if (start._tag === "None") continue
            batcher.setStatus(symbol, false, start.value)
          }
          lastHalted.set(symbol, serverTime)
        }
        state.counters.status = status
        if (was !== status) changed.push({ symbol, status, was })
      }
      return changed
    })
}
