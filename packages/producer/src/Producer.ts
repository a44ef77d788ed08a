/**
 * The producer: Binance's trade streams in, `TradeBatch`es out to the trades queue, losing
 * nothing. It is a line of stages, each in its folder and tested alone:
 *
 *   stream/        supervised connections → frames
 *   sequence/      decode and sequence by trade id → trades, and gaps
 *   coldStart/     a symbol's first trade → where the exchange's trades of its first window begin
 *   gaps/          fill each gap from REST, announced before and after
 *   completeness/  the exchange's last ids and statuses: silent streams, proofs, halts
 *   batching/      trades → batches per shard, sized for the queue
 *   publish/       batches → the queue, or the journal while it is away
 *   metrics/       counters, rates and the malformed-frame log
 *   supervision/   a part that dies stops the producer, by name
 *
 * This module only wires them.
 */
import { Clock, Effect, Queue, type Scope, Stream } from "effect"
import type { EventBus } from "@blockchaincore/core/ports/EventBus"
import type { Gap } from "@blockchaincore/core/gaps/Gap"
import type { TradeQueue } from "@blockchaincore/core/ports/TradeQueue"
import { Batcher, type BatcherOptions, DEFAULT_BATCHER } from "./batching/Batcher.ts"
import { makeCompletenessCheck } from "./completeness/CompletenessWatermark.ts"
import { type CompletenessOptions, DEFAULT_COMPLETENESS } from "./completeness/SilentSymbols.ts"
import { ExchangeRest } from "@blockchaincore/binance/rest/BinanceRest"
import { type FirstTrade, openNextSymbol } from "./coldStart/Openings.ts"
import { DEFAULT_GAP_FILLING, fillNextGap, type GapFillingOptions, type PendingGap, pendingGap } from "./gaps/GapFilling.ts"
import { type MetricsSnapshot, ProducerMetrics } from "./metrics/ProducerMetrics.ts"
import { logMalformedFrames, type MalformedSample, makeSampler } from "./metrics/Sampler.ts"
import { makeAnnouncer } from "./publish/Announcer.ts"
import { flushAllAtEnd, flushDueForever } from "./publish/Flush.ts"
import type { Journal } from "./publish/Journal.ts"
import { makePublisher } from "./publish/Publisher.ts"
import { makeFrameSequencer, streamedSymbols } from "./sequence/FrameSequencer.ts"
import { DEFAULT_SUPERVISOR, superviseConnections, type SupervisorOptions } from "./stream/ConnectionSupervisor.ts"
import { DEFAULT_PLAN, planConnections, type StreamPlanOptions } from "./stream/StreamPlan.ts"
import { DEFAULT_CONNECTION } from "./stream/WireConnection.ts"
import { makeProducerParts, type ProducerStopped } from "./supervision/ProducerParts.ts"

export { ProducerStopped } from "./supervision/ProducerParts.ts"

export interface ProducerConfig {
  /** Upper-case Binance symbols. */
  readonly symbols: ReadonlyArray<string>
  readonly wsUrl: string
  readonly client: SupervisorOptions
  readonly plan: StreamPlanOptions
  readonly batcher: BatcherOptions
  /**
   * The last trade already delivered downstream per symbol (e.g. from the processor's stored
   * state): after a restart, trades up to it are dropped and a jump past it is a gap to fill.
   */
  readonly resumeFrom?: ReadonlyMap<string, { readonly id: number; readonly time: number }>
  /** Gaps the last run left open (the engine's stored state): asked for again from the start. */
  readonly openGaps?: ReadonlyArray<Gap>
  /**
   * The gaps the processor's stored state holds, read again every `everyMillis` while the producer
   * runs (STORED_GAPS_EVERY_MILLIS in deployment): one the producer does not know of is trades lost
   * after it sent them (a batch the trades queue dead-lettered), filled from REST and announced
   * like any other.
   */
  readonly storedGaps?: { readonly read: Effect.Effect<ReadonlyArray<Gap>>; readonly everyMillis: number }
  /** Cold starts whose opening the engine still waits for (its stored state): their first trades, asked about again. */
  readonly awaitingOpening?: ReadonlyArray<{ readonly symbol: string; readonly id: number; readonly time: number }>
  /** How gaps REST cannot fill yet are asked for again; DEFAULT_GAP_FILLING if absent. */
  readonly gapFilling?: GapFillingOptions
  /** The completeness watermark's checks against the exchange; DEFAULT_COMPLETENESS if absent. */
  readonly completeness?: CompletenessOptions
  /** The trades' times are a recording's (a replay): the delay from the exchange is not measured. */
  readonly recorded?: boolean
}

/**
 * A producer of `symbols` from Binance's streams (or a stand-in at `wsUrl`), every part on its
 * defaults unless overridden. REST is the process's one client (`ExchangeRest`), given by the caller.
 */
/** How often the processor's stored gaps are read again (storedGaps). */
export const STORED_GAPS_EVERY_MILLIS = 10 * 60_000
/** The gaps remembered as asked for. */
const KNOWN_GAPS = 10_000
/**
 * A fill delivered this long ago has reached the processor or been dead-lettered on either
 * runtime (AWS's trades queue keeps a batch through two hours of receipts): a stored gap it
 * covered that is still open then is a fill lost on the way, asked for again.
 */
const FILL_SETTLES_MILLIS = 3 * 60 * 60_000

export const producerConfig = (
  symbols: ReadonlyArray<string>,
  urls: { readonly wsUrl: string },
  overrides: Partial<
    Pick<ProducerConfig, "batcher" | "resumeFrom" | "openGaps" | "storedGaps" | "awaitingOpening" | "gapFilling" | "completeness" | "recorded">
  > = {}
): ProducerConfig => ({
  symbols,
  wsUrl: urls.wsUrl,
  client: { ...DEFAULT_CONNECTION, ...DEFAULT_SUPERVISOR },
  plan: DEFAULT_PLAN,
  batcher: DEFAULT_BATCHER,
  ...overrides
})

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

// Untraced: the parts it forks run for the producer's life, and would all be children of its span
// (one trace that never ends, whose context the producer's own events would carry).
export const runProducer = Effect.fnUntraced(function* (
  config: ProducerConfig
): Effect.fn.Return<ProducerHandle, never, TradeQueue | Journal | EventBus | ExchangeRest | Scope.Scope> {
  const metrics = new ProducerMetrics(yield* Clock.currentTimeMillis)
  const rest = yield* ExchangeRest
  const batcher = new Batcher(config.symbols, config.batcher, 0)
  const publisher = yield* makePublisher
  const announce = yield* makeAnnouncer(metrics)
  const symbols = streamedSymbols(config.symbols, metrics, config.resumeFrom)
  const gaps = yield* Queue.unbounded<PendingGap>()
  const scope = yield* Effect.scope
  const retryLater = (pending: PendingGap, delayMillis: number) =>
    Queue.offer(gaps, pending).pipe(Effect.delay(delayMillis), Effect.forkIn(scope), Effect.asVoid)
  const startedAt = yield* Clock.currentTimeMillis
  // Gaps the producer has asked for: a stored gap overlapping one (the same, or what is left of it
  // while REST catches up) is already being filled; once filled, until its trades have surely
  // reached the processor, after which a stored copy means the fill itself was lost.
  const known: Array<{ readonly gap: Gap; filledAt: number | undefined }> = []
  const ask = (gap: Gap, now: number, announced = true) => {
    known.push({ gap, filledAt: undefined })
    // Bounded: a gap asked for long ago is filled or abandoned by now.
    if (known.length > KNOWN_GAPS) known.shift()
    return pendingGap(gap, now, announced)
  }
  const overlapping = (a: Gap, b: Gap) => a.symbol === b.symbol && a.fromId <= b.toId && b.fromId <= a.toId
  const filled = (gap: Gap, now: number) => {
    for (const k of known) if (k.filledAt === undefined && overlapping(k.gap, gap)) k.filledAt = now
  }
  const isKnown = (gap: Gap, now: number) => known.some((k) => overlapping(k.gap, gap) && (k.filledAt === undefined || now - k.filledAt < FILL_SETTLES_MILLIS))
  for (const gap of config.openGaps ?? []) {
    metrics.counters.gapsFound++
    yield* Queue.offer(gaps, ask(gap, startedAt))
  }
  const firsts = yield* Queue.unbounded<FirstTrade>()
  for (const first of config.awaitingOpening ?? []) yield* Queue.offer(firsts, { ...first, attempts: 0 })
  const openLater = (first: FirstTrade, delayMillis: number) => Queue.offer(firsts, first).pipe(Effect.delay(delayMillis), Effect.forkIn(scope), Effect.asVoid)
  const malformed = yield* Queue.dropping<MalformedSample>(1)
  const deliver = (trade: Parameters<Batcher["add"]>[0], now: number) => batcher.add(trade, now)

  const sequence = makeFrameSequencer(symbols, metrics, {
    trade: deliver,
    first: (trade) => Queue.offerUnsafe(firsts, { symbol: trade.symbol, id: trade.firstId, time: trade.time, attempts: 0 }),
    gap: (gap, now) => Queue.offerUnsafe(gaps, ask(gap, now)),
    malformed: (sample) => Queue.offerUnsafe(malformed, sample)
  })
  const frames = superviseConnections(planConnections(config.wsUrl, config.symbols, config.plan), config.client, (event) =>
    Effect.sync(() => {
      metrics.connectionEvent(event)
      // A new connection is a new epoch for the batches that follow.
      if (event._tag === "Connected") batcher.setEpoch(metrics.counters.connects)
    })
  )
  const completeness = config.completeness ?? DEFAULT_COMPLETENESS
  const checkCompleteness = makeCompletenessCheck({ symbols, options: completeness, rest, batcher, gaps, ask, announce, metrics })
  const sampler = makeSampler(metrics, publisher)

  yield* flushAllAtEnd(batcher, publisher, config.recorded === true)
  const parts = yield* makeProducerParts
  yield* parts.run(
    "streams",
    frames.pipe(
      Stream.runForEachArray((texts) =>
        Clock.currentTimeMillis.pipe(
          Effect.map((now) => {
            for (const text of texts) sequence(text, now)
          })
        )
      )
    )
  )
  const gapFilling = config.gapFilling ?? DEFAULT_GAP_FILLING
  yield* parts.run(
    "cold start",
    Effect.forever(
      openNextSymbol({
        firsts,
        rest,
        retry: gapFilling.retry,
        retryLater: openLater,
        opened: (symbol, { opening, gap }, now) =>
          Effect.sync(() => batcher.open(symbol, opening)).pipe(Effect.andThen(gap === undefined ? Effect.void : Queue.offer(gaps, ask(gap, now, false))))
      })
    )
  )
  yield* parts.run("gap filler", Effect.forever(fillNextGap({ gaps, rest, announce, deliver, metrics, options: gapFilling, retryLater, filled })))
  yield* parts.run("completeness watermark", checkCompleteness.pipe(Effect.delay(completeness.checkEveryMillis), Effect.forever))
  yield* parts.run("flush", flushDueForever(batcher, publisher, config.recorded === true))
  yield* parts.run("sampler", sampler.sampleEverySecond)
  yield* parts.run("malformed-frame log", logMalformedFrames(malformed, metrics))
  const storedGaps = config.storedGaps
  if (storedGaps !== undefined) {
    const takeStored = Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      for (const gap of yield* storedGaps.read) {
        if (isKnown(gap, now)) continue
        metrics.counters.gapsFound++
        yield* Queue.offer(gaps, ask(gap, now))
      }
    })
    yield* parts.run("stored gaps", takeStored.pipe(Effect.delay(storedGaps.everyMillis), Effect.forever))
  }

  return { stopped: parts.stopped, metrics: sampler.snapshot, exportMetrics: sampler.exportMetrics }
})
