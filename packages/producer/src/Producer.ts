/**
 * The producer: Binance's trade streams in, `TradeBatch`es out to the trades queue, losing
 * nothing. Frames are decoded and sequenced by trade id per symbol; a jump in ids is a gap,
 * announced on the bus (`DataGapDetected`), filled from REST and announced again
 * (`DataGapFilled`, or why it could not be). Batches leave through the publisher, which falls
 * back to the on-disk journal while the queue is away.
 */
import { Cause, Clock, Deferred, Effect, Exit, Queue, Schedule, Schema, type Scope, Stream } from "effect"
import { HttpClient } from "effect/http"
import { decodeFrame } from "@blockchaincore/core/binance/FrameDecoder"
import { INVALID_SYMBOL } from "@blockchaincore/core/binance/ErrorBody"
import { isTrading, NOT_LISTED } from "@blockchaincore/core/binance/SymbolStatus"
import { oneLine } from "@blockchaincore/core/errors/errorMessage"
import { dataGapDetected, dataGapFilled, type DomainEvent, type GapFacts, streamSilent } from "@blockchaincore/core/events/DomainEvent"
import { EventBus } from "@blockchaincore/core/ports/EventBus"
import type { TradeQueue } from "@blockchaincore/core/ports/TradeQueue"
import { Batcher, type BatcherOptions, DEFAULT_BATCHER } from "./batching/Batcher.ts"
import { BinanceRest, DEFAULT_REST, type RestError, type RestOptions } from "./gaps/BinanceRest.ts"
import { fillGap } from "./gaps/GapFiller.ts"
import { type Checked, type CompletenessOptions, DEFAULT_COMPLETENESS, silentGaps } from "./gaps/SilentSymbols.ts"
import { makeMetricsExport } from "./metrics/MetricsExport.ts"
import { type MetricsSnapshot, ProducerMetrics } from "./metrics/ProducerMetrics.ts"
import type { Journal } from "./publish/Journal.ts"
import { makePublisher } from "./publish/Publisher.ts"
import { type ClientEvent, DEFAULT_SUPERVISOR, superviseConnections, type SupervisorOptions } from "./stream/ConnectionSupervisor.ts"
import { DEFAULT_PLAN, planConnections, type StreamPlanOptions } from "./stream/StreamPlan.ts"
import { DEFAULT_CONNECTION } from "./stream/WireConnection.ts"

export interface ProducerConfig {
  /** Upper-case Binance symbols. */
  readonly symbols: ReadonlyArray<string>
  readonly wsUrl: string
  readonly client: SupervisorOptions
  readonly plan: StreamPlanOptions
  readonly batcher: BatcherOptions
  readonly rest: RestOptions
  /**
   * The last trade already delivered downstream per symbol (e.g. from the processor's stored
   * state): after a restart, trades up to it are dropped and a jump past it is a gap to fill.
   */
  readonly resumeFrom?: ReadonlyMap<string, { readonly id: number; readonly time: number }>
  /** The completeness watermark's checks against the exchange; DEFAULT_COMPLETENESS if absent. */
  readonly completeness?: CompletenessOptions
}

/** A producer of `symbols` from Binance (or a stand-in at these URLs), every part on its defaults unless overridden. */
export const producerConfig = (
  symbols: ReadonlyArray<string>,
  urls: { readonly wsUrl: string; readonly restUrl: string },
  overrides: Partial<Pick<ProducerConfig, "batcher" | "resumeFrom" | "completeness">> = {}
): ProducerConfig => ({
  symbols,
  wsUrl: urls.wsUrl,
  client: { ...DEFAULT_CONNECTION, ...DEFAULT_SUPERVISOR },
  plan: DEFAULT_PLAN,
  batcher: DEFAULT_BATCHER,
  rest: { ...DEFAULT_REST, baseUrl: urls.restUrl },
  ...overrides
})

/** A part of the producer died: it cannot go on, and says which part and why. */
export class ProducerStopped extends Schema.TaggedError<ProducerStopped>()("ProducerStopped", {
  part: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `the producer's ${this.part} stopped: ${this.reason}`
  }
}

export interface ProducerHandle {
  readonly metrics: () => MetricsSnapshot
  /** Adds what was counted since the last export to the Effect metrics (the sampler does it every second). */
  readonly exportMetrics: Effect.Effect<void>
  /**
   * Fails as soon as any part of the producer (the streams, the flush, the gap filler) dies;
   * never succeeds. The caller races its own work with it, so that a producer that cannot go on
   * ends the process with the reason instead of leaving a half-working pipeline.
   */
  readonly stopped: Effect.Effect<never, ProducerStopped>
}

/** How often due batches are looked for: a window-closing batch waits at most this long. */
const TICK_MILLIS = 10

export const runProducer = (config: ProducerConfig): Effect.Effect<ProducerHandle, never, TradeQueue | Journal | EventBus | HttpClient.HttpClient | Scope.Scope> =>
  Effect.gen(function*() {
    const bus = yield* EventBus
    const publisher = yield* makePublisher
    const metrics = new ProducerMetrics(yield* Clock.currentTimeMillis)
    const rest = new BinanceRest(config.rest, yield* HttpClient.HttpClient)
    const batcher = new Batcher(config.symbols, config.batcher, 0)
    /** Per wanted symbol, found with one lookup per frame: its counters and the last trade delivered. */
    const symbols = new Map(config.symbols.map((symbol) => {
      const resume = config.resumeFrom?.get(symbol)
      return [symbol, { counters: metrics.symbol(symbol), last: resume === undefined ? undefined : { ...resume } }]
    }))
    const gaps = yield* Queue.unbounded<GapFacts>()
    // Malformed frames are logged with a sample, at most one a second: a flood must not drown the log.
    const malformed = yield* Queue.dropping<{ readonly frame: string; readonly reason: string }>(1)

    const onFrame = (text: string, now: number) => {
      const decoded = decodeFrame(text)
      if (decoded._tag === "Trade") {
        const trade = decoded.trade
        const state = symbols.get(trade.symbol)
        if (state === undefined) return
        const counters = state.counters
        counters.frames++
        // A frame of its own, even one already filled from REST: its stream is not silent.
        counters.silentSince = 0
        const seen = state.last
        if (seen !== undefined && trade.firstId <= seen.id) {
          metrics.counters.duplicatesDropped++
          return
        }
        if (seen === undefined) state.last = { id: trade.lastId, time: trade.time }
        else {
          if (trade.firstId > seen.id + 1) {
            metrics.counters.gapsFound++
            Queue.offerUnsafe(gaps, { symbol: trade.symbol, fromId: seen.id + 1, toId: trade.firstId - 1, fromTime: seen.time, toTime: trade.time })
          }
          seen.id = trade.lastId
          seen.time = trade.time
        }
        counters.trades++
        if (trade.time >= counters.lastTradeTime) {
          counters.lastTradeTime = trade.time
          counters.lastTradeAt = now
        }
        batcher.add(trade, now)
      } else if (decoded._tag === "Invalid") {
        metrics.counters.framesMalformed++
        metrics.counters.lastMalformed = { frame: text.slice(0, 300), reason: decoded.message }
        Queue.offerUnsafe(malformed, metrics.counters.lastMalformed)
      }
    }

    const onEvent = (event: ClientEvent) => {
      metrics.connectionEvent(event)
      // A new connection is a new epoch for the batches that follow.
      if (event._tag === "Connected") batcher.setEpoch(metrics.counters.connects)
    }
    const frames = superviseConnections(planConnections(config.wsUrl, config.symbols, config.plan), config.client, (event) => Effect.sync(() => onEvent(event)))

    const announce = (events: ReadonlyArray<DomainEvent>) =>
      bus.publish(events).pipe(
        Effect.catch((e) => Effect.sync(() => metrics.counters.busFailures++).pipe(Effect.andThen(Effect.logWarning(`bus: ${e.message}`))))
      )

    const fillGaps = Effect.gen(function*() {
      const gap = yield* Queue.take(gaps)
      yield* announce([dataGapDetected(gap)])
      const size = gap.toId - gap.fromId + 1
      yield* Effect.logInfo(`backfill: ${gap.symbol} trades ${gap.fromId}..${gap.toId} (${size}) from REST; ${Queue.sizeUnsafe(gaps)} more gaps waiting`)
      const started = yield* Clock.currentTimeMillis
      const fill = yield* fillGap(rest, gap)
      const now = yield* Clock.currentTimeMillis
      yield* Effect.logInfo(`backfill: ${gap.symbol} ${fill.outcome === "filled" ? "filled" : `could not be filled (${fill.reason})`}: ${fill.trades.length} of ${size} trades in ${now - started} ms`)
      for (const trade of fill.trades) batcher.add(trade, now)
      metrics.counters.tradesBackfilled += fill.trades.length
      if (fill.outcome === "filled") metrics.counters.gapsFilled++
      else metrics.counters.gapsUnfillable++
      yield* announce([fill.outcome === "filled" ? dataGapFilled(gap, "filled") : dataGapFilled(gap, "unfillable", fill.reason)])
    }).pipe(Effect.forever)

    /**
     * The completeness watermark: the exchange's last trade ids, asked for all symbols at once.
     * A symbol silent behind them is a gap, queued like one the stream revealed; its delivered id
     * moves to the exchange's, so that neither the stream nor the next check reports it again.
     */
    const completeness = config.completeness ?? DEFAULT_COMPLETENESS
    const checked = new Map<string, Checked>()
    /** Per silent symbol: the last id its stream delivered, and the silence already announced (by its start). */
    const streamLastId = new Map<string, number>()
    const announced = new Map<string, number>()
    /** The last failure of each question, so that a check failing the same way every 30 s is said once. */
    const problems = { ticker: "", status: "" }
    /**
     * The gaps of this check, with each symbol's delivered id moved up to the gap's end in the
     * same synchronous step that read it: no frame is handled in between, so none is counted
     * twice or left out.
     */
    /** The latest trade time of any symbol: the stream's (and so the market's) time. */
    const marketTimeNow = () => Math.max(0, ...[...symbols.values()].map((s) => s.counters.lastTradeTime))
    const takeSilentGaps = (exchange: ReadonlyMap<string, number>, now: number, marketTime: number) =>
      Effect.sync(() => {
        const delivered = new Map([...symbols].map(([symbol, s]) => [symbol, s.last]))
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
          if (state.last === undefined) state.last = { id: gap.toId, time: gap.toTime }
          else state.last.id = Math.max(state.last.id, gap.toId)
        }
        // Level with the exchange: its windows before the market's time are final (the engine
        // takes the proof only if it has applied exactly up to that id, fills included).
        for (const [symbol, state] of symbols) {
          const theirs = exchange.get(symbol)
          if (state.last !== undefined && theirs === state.last.id) batcher.confirm(symbol, theirs, marketTime)
        }
        return found
      })
    /**
     * Each symbol's status, said downstream (and in the log) when it changes: a halt makes no
     * candles. It is dated by the stream's time as the answer is taken in, so that trades already
     * delivered are not taken for the end of a halt.
     */
    const takeStatuses = (statuses: ReadonlyMap<string, string>) =>
      Effect.forEach(symbols, ([symbol, state]) => {
        const status = statuses.get(symbol)
        const was = state.counters.status
        if (status === undefined || status === was) return Effect.void
        state.counters.status = status
        const trading = isTrading(status)
        if (was !== "" && isTrading(was) === trading) return Effect.void
        batcher.setStatus(symbol, trading, marketTimeNow())
        return trading
          ? (was === "" ? Effect.void : Effect.logInfo(`${symbol}: Binance says ${status}: trading again`))
          : Effect.logWarning(`${symbol}: Binance says ${status}, not trading: no candles for its windows without trades until it trades again`)
      }, { discard: true })
    /** A failure said once, not every check, until the check works again. */
    const sayOnce = (key: "ticker" | "status", message: string) => {
      if (problems[key] === message) return Effect.void
      problems[key] = message
      return Effect.logWarning(`completeness check (${key}): ${message}; trying again every ${completeness.checkEveryMillis / 1000} s`)
    }
    /**
     * Symbols Binance no longer lists (delisted, renamed): one of them makes Binance refuse the
     * whole request, so they are found by asking for each alone (weight 2 each, once), said by
     * name, and left out of the checks. Nothing more can trade: its windows are final up to now.
     */
    const refusedSymbol = (e: RestError) => e.code === INVALID_SYMBOL
    const unlisted = new Set<string>()
    const listed = () => config.symbols.filter((s) => !unlisted.has(s))
    const findUnlisted = (marketTime: number) =>
      Effect.forEach(listed(), (symbol) =>
        rest.lastIds([symbol]).pipe(
          Effect.flip,
          Effect.flatMap((e) => (refusedSymbol(e) ? Effect.succeed(symbol) : Effect.fail(e))),
          Effect.flatMap((symbol) => Effect.suspend(() => {
            unlisted.add(symbol)
            const state = symbols.get(symbol)
            if (state === undefined) return Effect.void
            state.counters.status = NOT_LISTED
            batcher.setStatus(symbol, false, marketTime)
            if (state.last !== undefined) batcher.confirm(symbol, state.last.id, marketTime)
            return Effect.logWarning(`${symbol}: Binance no longer lists it (delisted or renamed): no more trades or candles for it; its last candles are final`)
          })),
          Effect.ignore
        ), { discard: true })
    const checkCompleteness = Effect.gen(function*() {
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
        yield* takeStatuses(statuses.success)
      }
      const exchange = yield* rest.lastIds(asked).pipe(Effect.result)
      if (exchange._tag === "Failure") return yield* (refusedSymbol(exchange.failure) ? findUnlisted(marketTime) : sayOnce("ticker", exchange.failure.message))
      problems.ticker = ""
      const now = yield* Clock.currentTimeMillis
      for (const gap of yield* takeSilentGaps(exchange.success, now, marketTime)) {
        yield* Effect.logWarning(`${gap.symbol}: the stream is silent at trade ${gap.fromId - 1} while Binance had ${gap.toId} a check ago: filling ${gap.toId - gap.fromId + 1} trades from REST`)
        yield* Queue.offer(gaps, gap)
      }
      // Still silent after the set time, with its connection up (a lost connection is said as such): a data-quality event, once per silence.
      if (metrics.counters.connectionsUp.size === 0) return
      for (const [symbol, state] of symbols) {
        const since = state.counters.silentSince
        const exchangeLastId = exchange.success.get(symbol)
        if (since === 0 || announced.get(symbol) === since || now - since < completeness.announceAfterMillis || exchangeLastId === undefined || exchangeLastId < 0) continue
        announced.set(symbol, since)
        const event = streamSilent({ symbol, since, silentMillis: now - since, streamLastId: streamLastId.get(symbol) ?? exchangeLastId, exchangeLastId })
        yield* Effect.logWarning(`${symbol}: Binance has trades its stream has not sent for ${Math.round(event.silentMillis / 1000)} s; filling them from REST meanwhile`)
        yield* announce([event])
      }
    })
    const watermark = checkCompleteness.pipe(Effect.delay(completeness.checkEveryMillis), Effect.forever)

    // Uninterruptible: batches taken from the batcher must reach the queue or the journal.
    const flush = Clock.currentTimeMillis.pipe(Effect.flatMap((now) => publisher.publish(batcher.takeDue(now))),
      Effect.catch((e) => Effect.logError(`journal: ${e.message}`)),
      Effect.uninterruptible,
      Effect.repeat(Schedule.spaced(TICK_MILLIS))
    )
    const logMalformed = Queue.take(malformed).pipe(
      Effect.flatMap((m) => Effect.logWarning(`malformed frame (${metrics.counters.framesMalformed} so far): ${oneLine({ message: m.reason })}: ${m.frame}`)),
      Effect.andThen(Effect.sleep(1000)),
      Effect.forever
    )
    const snapshot = (): MetricsSnapshot => ({
      counters: metrics.counters,
      perSecond: metrics.perSecond(),
      publish: { ...publisher.stats },
      journalSize: publisher.journalSize()
    })
    const exportSnapshot = makeMetricsExport()
    const exportMetrics = Effect.suspend(() => exportSnapshot(snapshot()))
    const sample = Clock.currentTimeMillis.pipe(
      Effect.flatMap((now) => Effect.sync(() => metrics.sample(now))),
      Effect.andThen(exportMetrics),
      Effect.repeat(Schedule.spaced(1000))
    )

    // Finalizers run last first: the connections (forked below) are gone before this final flush,
    // so what is still pending goes out (or to the journal) before the producer is.
    yield* Effect.addFinalizer(() =>
      Effect.suspend(() => publisher.publish(batcher.takeAll())).pipe(Effect.catch((e) => Effect.logError(`final flush: ${e.message}`)))
    )
    const stopped = yield* Deferred.make<never, ProducerStopped>()
    /** Forked for the producer's life; its death (not its interruption at the end) stops the producer. */
    const part = (name: string, effect: Effect.Effect<unknown, unknown>) =>
      Effect.forkScoped(effect.pipe(Effect.onExit((exit) =>
        Exit.isFailure(exit) && !Cause.hasInterruptsOnly(exit.cause)
          ? Effect.logError(`the producer's ${name} stopped`, exit.cause).pipe(Effect.andThen(Deferred.fail(stopped, new ProducerStopped({ part: name, reason: Cause.pretty(exit.cause).split("\n")[0] ?? "" }))))
          : Effect.void
      )))
    yield* part("streams", frames.pipe(Stream.runForEachArray((batch) => Clock.currentTimeMillis.pipe(Effect.map((now) => {
      for (const text of batch) onFrame(text, now)
    })))))
    yield* part("gap filler", fillGaps)
    yield* part("completeness watermark", watermark)
    yield* part("flush", flush)
    yield* part("sampler", sample)
    yield* part("malformed-frame log", logMalformed)

    return {
      stopped: Deferred.await(stopped),
      metrics: snapshot,
      exportMetrics
    }
  })
