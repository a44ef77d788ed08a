/**
 * The completeness watermark stage: every `checkEveryMillis`, the exchange's last trade ids and
 * statuses, asked for all symbols at once.
 * - A symbol silent behind the exchange's last id is a gap (`silentGaps`), queued like one the
 *   stream revealed; its delivered id moves to the exchange's, so that neither the stream nor the
 *   next check reports it again.
 * - A symbol level with the exchange has its windows before the market's time proven final.
 * - A status change (a halt, trading again) goes to the batcher and the log.
 * - A stream still silent after `announceAfterMillis`, with its connection up, is announced once
 *   (`StreamSilent`).
 * - A symbol Binance no longer lists is found, said by name, and left out of the checks.
 */
import { Clock, Effect, Queue } from "effect"
import { INVALID_SYMBOL } from "@blockchaincore/binance/rest/ErrorBody"
import { isTrading } from "@blockchaincore/binance/rest/SymbolStatus"
import { NOT_LISTED } from "@blockchaincore/core/health/PipelineHealth"
import { streamSilent } from "@blockchaincore/core/events/DomainEvent"
import type { Batcher } from "../batching/Batcher.ts"
import type { BinanceRest, RestError } from "@blockchaincore/binance/rest/BinanceRest"
import { LIST_SYMBOLS_UP_TO } from "@blockchaincore/binance/rest/RestTicker"
import { makeTradingWords } from "./TradingWords.ts"
import { makeTrustedTicker } from "./TrustedTicker.ts"
import type { PendingGap } from "../gaps/GapFilling.ts"
import type { Gap } from "@blockchaincore/core/gaps/Gap"
import type { ProducerMetrics } from "../metrics/ProducerMetrics.ts"
import type { Announce } from "../publish/Announcer.ts"
import type { StreamedSymbol } from "../sequence/FrameSequencer.ts"
import { type Checked, type CompletenessOptions, silentGaps } from "./SilentSymbols.ts"

interface CompletenessDeps {
  readonly symbols: ReadonlyMap<string, StreamedSymbol>
  readonly options: CompletenessOptions
  readonly rest: BinanceRest
  readonly batcher: Batcher
  readonly gaps: Queue.Queue<PendingGap>
  /** A gap as the producer asks for it: remembered, so the processor's stored copy of it is not asked for again. */
  readonly ask: (gap: Gap, now: number) => PendingGap
  readonly announce: Announce
  readonly metrics: ProducerMetrics
}

const refusedSymbol = (e: RestError) => e.code === INVALID_SYMBOL

/** One check's effect; the state between checks lives in the closure. */
export const makeCompletenessCheck = ({ symbols, options, rest, batcher, gaps, ask, announce, metrics }: CompletenessDeps) => {
  const checked = new Map<string, Checked>()
  /** Per silent symbol: the last id its stream delivered, and the silence already announced (by its start). */
  const streamLastId = new Map<string, number>()
  const announced = new Map<string, number>()
  /** The last failure of each question, so that a check failing the same way every 30 s is said once. */
  const problems = { ticker: "", status: "" }
  const unlisted = new Set<string>()
  const listed = () => [...symbols.keys()].filter((s) => !unlisted.has(s))

  /** The latest trade time of any symbol: the stream's (and so the market's) time. */
  const marketTimeNow = () => Math.max(0, ...[...symbols.values()].map((s) => s.counters.lastTradeTime))

  /**
   * The gaps of this check, with each symbol's delivered id moved up to the gap's end in the
   * same synchronous step that read it: no frame is handled in between, so none is counted
   * twice or left out.
   */
  const takeSilentGaps = (exchange: ReadonlyMap<string, number>, now: number, marketTime: number, provenTime: ReadonlyMap<string, number>) =>
    Effect.sync(() => {
      const delivered = new Map(
        [...symbols].map(([symbol, s]) => [symbol, s.sequence.started ? { id: s.sequence.lastId, time: s.sequence.lastTime } : undefined])
      )
      const found = silentGaps(delivered, checked, exchange, marketTime)
      for (const gap of found) {
        const state = symbols.get(gap.symbol)
        if (state === undefined) continue
        metrics.counters.gapsFound++
        metrics.counters.silentGaps++
        if (state.counters.silentSince === 0) {
          state.counters.silentSince = now
          streamLastId.set(gap.symbol, gap.fromId - 1)
        }
        state.sequence.skipTo(gap.toId, gap.toTime)
      }
      // Level with the exchange: its windows before the time the answer is known to run to are
      // final (the engine takes the proof only if it has applied exactly up to that id, fills included).
      for (const [symbol, state] of symbols) {
        const theirs = exchange.get(symbol)
        const time = provenTime.get(symbol)
        if (state.sequence.started && theirs === state.sequence.lastId && time !== undefined) batcher.confirm(symbol, theirs, time)
      }
      return found
    })

  const tradingWords = makeTradingWords(symbols, rest, batcher)

  /** Each symbol's status said downstream (`TradingWords`), and in the log when it changes: a halt makes no candles. */
  const takeStatuses = (serverTime: number, statuses: ReadonlyMap<string, string>) =>
    tradingWords(serverTime, statuses).pipe(
      Effect.flatMap((changed) =>
        Effect.forEach(
          changed,
          ({ symbol, status, was }) =>
            isTrading(status)
              ? was === ""
                ? Effect.void
                : Effect.logInfo(`${symbol}: Binance says ${status}: trading again`)
              : Effect.logWarning(`${symbol}: Binance says ${status}, not trading: no candles for its windows without trades until it trades again`),
          { discard: true }
        )
      )
    )

  /** A failure said once, not every check, until the check works again. */
  const sayOnce = (key: "ticker" | "status", message: string) => {
    if (problems[key] === message) return Effect.void
    problems[key] = message
    return Effect.logWarning(`completeness check (${key}): ${message}; trying again every ${options.checkEveryMillis / 1000} s`)
  }

  /**
   * Symbols Binance no longer lists (delisted, renamed): one of them makes Binance refuse the
   * whole request, so they are found by asking for each alone (weight 2 each, once), said by
   * name, and left out of the checks. Nothing more can trade: its windows are final up to now.
   */
  const findUnlisted = (marketTime: number) =>
    Effect.forEach(
      listed(),
      (symbol) =>
        rest.lastIds([symbol]).pipe(
          Effect.flip,
          Effect.flatMap((e) => (refusedSymbol(e) ? markUnlisted(symbol, marketTime) : Effect.fail(e))),
          Effect.ignore
        ),
      { discard: true }
    )

  /** Asked without a list (above `LIST_SYMBOLS_UP_TO`), Binance refuses nothing: a symbol it no longer lists is one its answer leaves out. */
  const missingFrom = (answered: ReadonlyMap<string, unknown>, asked: ReadonlyArray<string>, marketTime: number) =>
    asked.length > LIST_SYMBOLS_UP_TO
      ? Effect.forEach(
          asked.filter((s) => !answered.has(s)),
          (symbol) => markUnlisted(symbol, marketTime),
          { discard: true }
        )
      : Effect.void

  const markUnlisted = (symbol: string, marketTime: number) =>
    Effect.suspend(() => {
      unlisted.add(symbol)
      const state = symbols.get(symbol)
      if (state === undefined) return Effect.void
      state.counters.status = NOT_LISTED
      batcher.setStatus(symbol, false, marketTime)
      if (state.sequence.started) batcher.confirm(symbol, state.sequence.lastId, marketTime)
      return Effect.logWarning(`${symbol}: Binance no longer lists it (delisted or renamed): no more trades or candles for it; its last candles are final`)
    })

  /** Still silent after the set time, with its connection up (a lost connection is said as such): a data-quality event, once per silence. */
  const announceSilences = Effect.fn("announceSilences")(function* (exchange: ReadonlyMap<string, number>, now: number) {
    if (metrics.counters.connectionsUp.size === 0) return
    for (const [symbol, state] of symbols) {
      const since = state.counters.silentSince
      const exchangeLastId = exchange.get(symbol)
      if (since === 0 || announced.get(symbol) === since || now - since < options.announceAfterMillis || exchangeLastId === undefined || exchangeLastId < 0)
        continue
      announced.set(symbol, since)
      const event = streamSilent({ symbol, since, silentMillis: now - since, streamLastId: streamLastId.get(symbol) ?? exchangeLastId, exchangeLastId })
      yield* Effect.logWarning(
        `${symbol}: Binance has trades its stream has not sent for ${Math.round(event.silentMillis / 1000)} s; filling them from REST meanwhile`
      )
      yield* announce([event])
    }
  })

  const trusted = makeTrustedTicker()

  return Effect.gen(function* () {
    // Taken before asking: the answers are at least this recent.
    const marketTime = marketTimeNow()
    const asked = listed()
    if (asked.length === 0) return
    // The status before the last ids, so that windows of a halt are known as such before a confirmation reaches them.
    const statuses = yield* rest.statuses(asked).pipe(Effect.result)
    if (statuses._tag === "Failure") {
      if (refusedSymbol(statuses.failure)) return yield* findUnlisted(marketTime)
      yield* sayOnce("status", statuses.failure.message)
    } else {
      problems.status = ""
      yield* missingFrom(statuses.success.statuses, asked, marketTime)
      yield* takeStatuses(statuses.success.serverTime, statuses.success.statuses)
    }
    const exchange = yield* rest.lastIds(asked).pipe(Effect.result)
    if (exchange._tag === "Failure") return yield* refusedSymbol(exchange.failure) ? findUnlisted(marketTime) : sayOnce("ticker", exchange.failure.message)
    problems.ticker = ""
    const now = yield* Clock.currentTimeMillis
    const { lastIds, provenTime } = trusted(exchange.success, marketTime)
    for (const gap of yield* takeSilentGaps(lastIds, now, marketTime, provenTime)) {
      yield* Effect.logWarning(
        `${gap.symbol}: the stream is silent at trade ${gap.fromId - 1} while Binance had ${gap.toId} a check ago: filling ${gap.toId - gap.fromId + 1} trades from REST`
      )
      yield* Queue.offer(gaps, ask(gap, now))
    }
    yield* announceSilences(lastIds, now)
  })
}
