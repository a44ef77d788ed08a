/**
 * The gap-filling stage alone, against REST that knows the trades as Binance's lagging database
 * does: a gap announced, filled in id order into the batcher's place, announced again; a gap REST
 * does not have yet is filled as far as it goes, asked for again with backoff, said overdue by
 * name once, and announced filled only when every trade is in. Time is the TestClock's.
 */
import { createServer } from "node:http"
import { expect, it } from "@effect/vitest"
import { Effect, Queue } from "effect"
import { TestClock } from "effect/testing"
import { DEFAULT_REST, makeBinanceRest } from "@blockchaincore/binance/rest/BinanceRest"
import { OutboundHttp } from "@blockchaincore/adapters/http/OutboundHttp"
import { formatUnits, PRICE_SCALE, QUOTE_SCALE } from "@blockchaincore/core/decimal/Decimal"
import type { DomainEvent } from "@blockchaincore/core/events/DomainEvent"
import type { Trade } from "@blockchaincore/core/trade/Trade"
import { loadRecording } from "@blockchaincore/replay/Recording"
import { RECORDING, sharedFile } from "@blockchaincore/testkit/sharedData"
import { DEFAULT_GAP_FILLING, fillNextGap, type PendingGap, pendingGap, retryDelay } from "../src/gaps/GapFilling.ts"
import { ProducerMetrics } from "../src/metrics/ProducerMetrics.ts"

const btc = loadRecording(sharedFile(RECORDING))
  .slice(0, 400)
  .filter((f) => f.trade.symbol === "BTCUSDT")
  .map((f) => f.trade)

/** `historicalTrades` of the trades up to `knownThrough.id`: the database's reach, moved by the test. */
const laggingRest = Effect.acquireRelease(
  Effect.callback<{ readonly url: string; readonly knownThrough: { id: number }; readonly close: () => Promise<void> }>((resume) => {
    const knownThrough = { id: Number.MAX_SAFE_INTEGER }
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://x")
      const fromId = Number(url.searchParams.get("fromId"))
      const limit = Number(url.searchParams.get("limit"))
      const page = btc
        .filter((t) => t.firstId >= fromId && t.firstId <= knownThrough.id)
        .slice(0, limit)
        .map((t) => ({
          id: t.firstId,
          price: formatUnits(t.price, PRICE_SCALE, 8),
          qty: formatUnits(t.qty, PRICE_SCALE, 8),
          quoteQty: formatUnits(t.price * t.qty, QUOTE_SCALE, 8),
          time: t.time,
          isBuyerMaker: t.buyerIsMaker,
          isBestMatch: true
        }))
      res.writeHead(200, { "content-type": "application/json" })
      res.end(JSON.stringify(page))
    })
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = address !== null && typeof address === "object" ? address.port : 0
      resume(Effect.succeed({ url: `http://127.0.0.1:${port}`, knownThrough, close: () => new Promise<void>((done) => server.close(() => done())) }))
    })
  }),
  (peer) => Effect.promise(peer.close)
)

const stage = Effect.gen(function* () {
  const peer = yield* laggingRest
  const rest = yield* makeBinanceRest({ ...DEFAULT_REST, baseUrl: peer.url, maxAttempts: 1 })
  const gaps = yield* Queue.unbounded<PendingGap>()
  const announced: Array<DomainEvent> = []
  const delivered: Array<Trade> = []
  const retries: Array<{ readonly pending: PendingGap; readonly delayMillis: number }> = []
  const metrics = new ProducerMetrics(0)
  const deps = {
    gaps,
    rest,
    metrics,
    options: DEFAULT_GAP_FILLING,
    announce: (events: ReadonlyArray<DomainEvent>) => Effect.sync(() => void announced.push(...events)),
    deliver: (t: Trade) => void delivered.push(t),
    retryLater: (pending: PendingGap, delayMillis: number) => Effect.sync(() => void retries.push({ pending, delayMillis }))
  }
  return { peer, gaps, announced, delivered, retries, metrics, fillNext: fillNextGap(deps) }
})

it.effect("fills a gap from REST, in id order, between its two announcements", () =>
  Effect.gen(function* () {
    const { gaps, announced, delivered, metrics, fillNext } = yield* stage
    const [a, , , , b] = btc.slice(10, 15)
    yield* Queue.offer(gaps, pendingGap({ symbol: "BTCUSDT", fromId: a!.firstId, toId: b!.firstId, fromTime: a!.time, toTime: b!.time }, 0))
    yield* fillNext
    expect(delivered.map((t) => t.firstId)).toEqual(btc.slice(10, 15).map((t) => t.firstId))
    expect(announced.map((e) => e._tag)).toEqual(["DataGapDetected", "DataGapFilled"])
    expect(announced[1]).toMatchObject({ fromId: a!.firstId, toId: b!.firstId })
    expect([metrics.counters.gapsFilled, metrics.counters.tradesBackfilled, metrics.counters.gapsWaiting.size]).toEqual([1, 5, 0])
  }).pipe(Effect.scoped, Effect.provide(OutboundHttp))
)

it.effect("takes a short page for a lagging database: asks again with backoff until every trade is in, overdue said once by name", () =>
  Effect.gen(function* () {
    const { peer, gaps, announced, delivered, retries, metrics, fillNext } = yield* stage
    const wanted = btc.slice(20, 30)
    const gap = { symbol: "BTCUSDT", fromId: wanted[0]!.firstId, toId: wanted.at(-1)!.firstId, fromTime: wanted[0]!.time, toTime: wanted.at(-1)!.time }
    // The database has only the first three of the gap's trades yet.
    peer.knownThrough.id = wanted[2]!.firstId
    yield* Queue.offer(gaps, pendingGap(gap, 0))
    yield* fillNext
    expect(delivered.map((t) => t.firstId)).toEqual(wanted.slice(0, 3).map((t) => t.firstId))
    expect(announced.map((e) => e._tag)).toEqual(["DataGapDetected"])
    expect(retries).toHaveLength(1)
    expect(retries[0]!.pending.gap).toMatchObject({ fromId: wanted[3]!.firstId, toId: gap.toId, fromTime: wanted[2]!.time })
    expect(retries[0]!.delayMillis).toBe(DEFAULT_GAP_FILLING.retry.baseMillis)

    // Still nothing new, long after: asked again, now overdue, said once with what is missing.
    yield* TestClock.adjust(DEFAULT_GAP_FILLING.overdueAfterMillis)
    yield* Queue.offer(gaps, retries[0]!.pending)
    yield* fillNext
    yield* Queue.offer(gaps, retries[1]!.pending)
    yield* fillNext
    expect(announced.filter((e) => e._tag === "DataGapOverdue")).toEqual([
      expect.objectContaining({ symbol: "BTCUSDT", fromId: wanted[3]!.firstId, toId: gap.toId, attempts: 2 })
    ])
    expect(retries.map((r) => r.delayMillis)).toEqual([2_000, 4_000, 8_000])
    expect(metrics.counters.gapsWaiting.get(`BTCUSDT:${gap.toId}`)?.overdue).toBe(true)

    // The database catches up: the rest arrives, and the whole gap is announced filled.
    peer.knownThrough.id = Number.MAX_SAFE_INTEGER
    yield* Queue.offer(gaps, retries[2]!.pending)
    yield* fillNext
    expect(delivered.map((t) => t.firstId)).toEqual(wanted.map((t) => t.firstId))
    expect(announced.at(-1)).toMatchObject({ _tag: "DataGapFilled", fromId: gap.fromId, toId: gap.toId })
    expect([metrics.counters.gapsFilled, metrics.counters.gapRetries, metrics.counters.gapsWaiting.size]).toEqual([1, 3, 0])
  }).pipe(Effect.scoped, Effect.provide(OutboundHttp))
)

it("waits longer each time, up to the cap", () => {
  const policy = { baseMillis: 2_000, capMillis: 300_000 }
  expect([1, 2, 3, 8, 9, 50].map((n) => retryDelay(policy, n))).toEqual([2_000, 4_000, 8_000, 256_000, 300_000, 300_000])
})
