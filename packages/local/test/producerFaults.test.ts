/**
 * The producer against a Binance-protocol server that misbehaves on purpose, over loopback. In
 * every case the trades that reach the queue are exactly the recording's: every id once, none
 * missing, and the candles built from them equal the candles built from the file.
 */
import { Effect, Schedule } from "effect"
import { expect, it } from "vitest"
import type { Candle } from "@blockchaincore/core/candle/Candle"
import { CandleEngine } from "@blockchaincore/core/candle/CandleEngine"
import type { Trade } from "@blockchaincore/core/trade/Trade"
import { loadRecording, type RecordedFrame } from "@blockchaincore/replay/Recording"
import { describeWithSharedData, RECORDING, sharedFile } from "@blockchaincore/testkit/sharedData"
import { type HarnessRun, runAgainstReplay, testConfig } from "./support/producerHarness.ts"

let recording: ReadonlyArray<RecordedFrame> | undefined
const frames = () => (recording ??= loadRecording(sharedFile(RECORDING)))

const candles = (trades: Iterable<Trade>): Array<Candle> => {
  const engine = new CandleEngine({ intervals: ["1m"], graceMillis: 0 })
  for (const t of trades) engine.apply(t)
  engine.flush()
  const byWindow = new Map<string, Candle>()
  for (const o of engine.drain()) {
    if (o._tag === "CandleClosed" || o._tag === "CandleRevised") byWindow.set(`${o.candle.symbol}:${o.candle.openTime}`, o.candle)
  }
  return [...byWindow.values()].sort((a, b) => (a.symbol + a.openTime < b.symbol + b.openTime ? -1 : 1))
}

/** Exactly the recording's trades reached the queue, each once, and they make the same candles. */
const expectLossless = (run: HarnessRun) => {
  expect(run.complete).toBe(true)
  const keys = run.trades.map((t) => `${t.symbol}:${t.firstId}`)
  const expected = frames().map((f) => `${f.trade.symbol}:${f.trade.firstId}`)
  expect(keys.length).toBe(expected.length)
  expect(new Set(keys).size).toBe(keys.length)
  expect([...keys].sort()).toEqual([...expected].sort())
  expect(candles(run.trades)).toEqual(candles(frames().map((f) => f.trade)))
  for (const batch of run.batches) {
    for (const part of batch.symbols) for (let i = 1; i < part.trades.length; i++) expect(part.trades[i]![0]).toBeGreaterThan(part.trades[i - 1]![0])
  }
}

describeWithSharedData("the producer against a misbehaving replay server", () => {
  it("loses nothing on a clean run", async () => {
    const run = await runAgainstReplay(frames())
    expectLossless(run)
    expect(run.metrics.counters.gapsFound).toBe(0)
    expect(run.metrics.counters.symbols.get("BTCUSDT")).toMatchObject({ frames: 19_904, trades: 19_904, lastTradeTime: Date.UTC(2024, 7, 9, 0, 5, 5, 800) })
    expect(run.metrics.counters.symbols.get("ETHUSDT")).toMatchObject({ frames: 14_515, trades: 14_515 })
    expect(run.metrics.publish).toMatchObject({ journaled: 0, failures: 0 })
    expect(run.metrics.publish.published).toBeGreaterThan(0)
  })

  it("reconnects after a dropped connection and fills the trades it missed from REST", async () => {
    const run = await runAgainstReplay(frames(), { replay: { faults: { dropAt: 5_000 }, missOnReconnect: 300 } })
    expectLossless(run)
    expect(run.metrics.counters.reconnects).toBeGreaterThanOrEqual(1)
    expect(run.metrics.counters.gapsFound).toBeGreaterThanOrEqual(1)
    expect(run.metrics.counters.tradesBackfilled).toBeGreaterThanOrEqual(1)
    const tags = run.bus.published.map((e) => e._tag)
    expect(tags.filter((t) => t === "DataGapDetected").length).toBe(run.metrics.counters.gapsFound)
    expect(tags.filter((t) => t === "DataGapFilled").length).toBe(run.metrics.counters.gapsFound)
    expect(tags.indexOf("DataGapDetected")).toBeLessThan(tags.indexOf("DataGapFilled"))
  })

  it("treats a stalled connection as dead after the idle timeout, reconnects and fills the gap", async () => {
    const run = await runAgainstReplay(frames(), { replay: { faults: { stallAt: 8_000 } } })
    expectLossless(run)
    expect(run.metrics.counters.reconnects).toBeGreaterThanOrEqual(1)
  })

  it("answers serverShutdown by opening a new connection before the old one closes", async () => {
    const run = await runAgainstReplay(frames(), { replay: { faults: { shutdownAt: 3_000 }, speed: 200 } })
    expectLossless(run)
    expect(run.metrics.counters.rotations).toBe(1)
    expect(run.metrics.counters.gapsFound).toBe(0)
  })

  it("fills a gap the processor holds that it never saw itself (a batch lost after it was sent), announcing it once", async () => {
    // The stream stops sending BTCUSDT twenty trades before its end; the processor's stored state
    // says ten of them are missing (the last ten lie past the replay's clock, which stops with the
    // last frame it sends: they are left out of what must arrive).
    const btc = frames().filter((f) => f.trade.symbol === "BTCUSDT")
    const missing = btc.slice(-20, -10)
    const lost = {
      symbol: "BTCUSDT",
      fromId: missing[0]!.trade.firstId,
      toId: missing.at(-1)!.trade.lastId,
      fromTime: missing[0]!.trade.time,
      toTime: missing.at(-1)!.trade.time
    }
    const expected = frames().filter((f) => !btc.slice(-10).includes(f))
    let reads = 0
    const run = await runAgainstReplay(frames(), {
      replay: { faults: { silenceSymbol: { symbol: "BTCUSDT", after: frames().indexOf(missing[0]!) } } },
      producer: { storedGaps: { read: Effect.sync(() => (reads++, [lost])), everyMillis: 200 } },
      expected
    })
    expect(run.complete).toBe(true)
    const keys = run.trades.map((t) => `${t.symbol}:${t.firstId}`)
    expect(keys.length).toBe(new Set(keys).size)
    expect([...keys].sort()).toEqual(expected.map((f) => `${f.trade.symbol}:${f.trade.firstId}`).sort())
    expect(reads).toBeGreaterThanOrEqual(1)
    // Read again and again, it is one gap: asked for, filled and announced once.
    const gapEvents = run.bus.published.flatMap((e) => (e._tag === "DataGapDetected" || e._tag === "DataGapFilled" ? [[e._tag, e.symbol, e.fromId]] : []))
    expect(gapEvents).toEqual([
      ["DataGapDetected", "BTCUSDT", lost.fromId],
      ["DataGapFilled", "BTCUSDT", lost.fromId]
    ])
    expect(run.metrics.counters.tradesBackfilled).toBe(10)
  })

  it("drops duplicated frames", async () => {
    const run = await runAgainstReplay(frames(), { replay: { faults: { duplicateEvery: 7 } } })
    expectLossless(run)
    expect(run.metrics.counters.duplicatesDropped).toBeGreaterThanOrEqual(Math.floor(frames().length / 7) - 1)
  })

  it("catches a symbol whose trades stop for good while the connection and the other symbol go on, by the exchange's last trade id, and fills them from REST", async () => {
    const run = await runAgainstReplay(frames(), {
      replay: { faults: { silenceSymbol: { symbol: "ETHUSDT", after: 10_000 } } },
      producer: { completeness: { checkEveryMillis: 200, announceAfterMillis: 0 } }
    })
    expectLossless(run)
    expect(run.metrics.counters.silentGaps).toBeGreaterThanOrEqual(1)
    expect(run.metrics.counters.gapsWaiting.size).toBe(0)
    const detected = run.bus.published.filter((e) => e._tag === "DataGapDetected")
    expect(detected.length).toBe(run.metrics.counters.gapsFound)
    expect(detected.some((e) => e._tag === "DataGapDetected" && e.symbol === "ETHUSDT")).toBe(true)
    // The other symbol was never silent.
    expect(detected.every((e) => e._tag === "DataGapDetected" && e.symbol === "ETHUSDT")).toBe(true)
    expect(run.metrics.counters.tradesBackfilled).toBeGreaterThanOrEqual(1)
    // A data-quality event, apart from the gaps: once, for ETHUSDT.
    const silences = run.bus.published.filter((e) => e._tag === "StreamSilent")
    expect(silences).toHaveLength(1)
    const silence = silences[0]
    expect(silence).toMatchObject({ symbol: "ETHUSDT" })
    // Binance's id at the announcing check lies past what the stream delivered, within the recording.
    const lastEth = frames()
      .filter((f) => f.trade.symbol === "ETHUSDT")
      .at(-1)!.trade.lastId
    if (silence?._tag !== "StreamSilent") throw new Error("no StreamSilent event")
    expect(silence.streamLastId < silence.exchangeLastId && silence.exchangeLastId <= lastEth).toBe(true)
    expect(run.metrics.counters.symbols.get("ETHUSDT")?.silentSince).toBeGreaterThan(0)
    expect(run.metrics.counters.symbols.get("BTCUSDT")?.silentSince).toBe(0)
  })

  it("fills frames the stream dropped from REST", async () => {
    const run = await runAgainstReplay(frames(), { replay: { faults: { dropEvery: 997 } } })
    expectLossless(run)
    expect(run.metrics.counters.gapsFound).toBeGreaterThanOrEqual(30)
    expect(run.metrics.counters.gapsWaiting.size).toBe(0)
  })

  it("counts malformed frames, keeps a sample, and goes on", async () => {
    const run = await runAgainstReplay(frames(), { replay: { faults: { malformedEvery: 101 } } })
    expectLossless(run)
    expect(run.metrics.counters.framesMalformed).toBe(Math.floor(frames().length / 101))
    expect(run.metrics.counters.lastMalformed?.reason).toMatch(/\["data"\]\["t"\]/)
  })

  it("waits out REST 429 with its Retry-After and still fills every gap", async () => {
    const run = await runAgainstReplay(frames(), { replay: { faults: { dropEvery: 5_000, rest429: 2 } } })
    expectLossless(run)
    expect(run.server.stats.rest429).toBe(2)
    expect(run.metrics.counters.gapsWaiting.size).toBe(0)
  })

  it("journals batches while the queue is stopped and publishes them, in order, once it is back", async () => {
    const run = await runAgainstReplay(frames(), {
      replay: { speed: 400 },
      during: (queue, producer) =>
        Effect.gen(function* () {
          // Stopped once trades flow, started again once the producer has journaled batches the
          // queue refused: each step waits on the event itself (bounded), not on a duration.
          yield* queue.until(() => queue.tradesAccepted >= 3_000, 30_000)
          queue.stop()
          yield* Effect.sync(() => producer.metrics().publish.journaled).pipe(
            Effect.repeat({ until: (journaled) => journaled >= 3, schedule: Schedule.spaced("5 millis") }),
            Effect.timeout("30 seconds")
          )
          queue.start()
        })
    })
    expectLossless(run)
    expect(run.metrics.publish.journaled).toBeGreaterThan(0)
    expect(run.metrics.journalSize).toBe(0)
  })

  it("after a restart, resumes from the last delivered ids: trades up to them dropped, the jump past them filled from REST", async () => {
    const btc = frames().filter((f) => f.trade.symbol === "BTCUSDT")
    const eth = frames().filter((f) => f.trade.symbol === "ETHUSDT")
    const lastBtc = btc[3_000]!.trade
    const lastEth = eth[2_000]!.trade
    const resumeFrom = new Map([
      ["BTCUSDT", { id: lastBtc.firstId, time: lastBtc.time }],
      ["ETHUSDT", { id: lastEth.firstId, time: lastEth.time }]
    ])
    const expected = frames().filter((f) => f.trade.firstId > (f.trade.symbol === "BTCUSDT" ? lastBtc.firstId : lastEth.firstId))
    // The producer was down while the market moved on 10,000 frames.
    const run = await runAgainstReplay(frames(), { replay: { startAt: 10_000 }, producer: { resumeFrom }, expected })
    expect(run.complete).toBe(true)
    const keys = run.trades.map((t) => `${t.symbol}:${t.firstId}`)
    expect(new Set(keys).size).toBe(keys.length)
    expect([...keys].sort()).toEqual(expected.map((f) => `${f.trade.symbol}:${f.trade.firstId}`).sort())
    expect(run.metrics.counters.gapsFound).toBe(2)
    // Exactly the trades between the last delivered ids and where the market was on reconnecting.
    expect(run.metrics.counters.tradesBackfilled).toBe(expected.filter((f) => frames().indexOf(f) < 10_000).length)
  })

  it("spreads 2,500 streams over three connections, subscribing within Binance's message rate", async () => {
    const symbols = [...Array.from({ length: 2_498 }, (_, i) => `FAKE${i}USDT`), "BTCUSDT", "ETHUSDT"]
    // 100 streams a SUBSCRIBE: 9 messages on a full connection, more than 5 if sent at once.
    const plan = { maxStreamsPerConnection: 1_000, streamsInUrl: 100, streamsPerSubscribe: 100 }
    const run = await runAgainstReplay(frames(), { replay: { startDelayMillis: 3_000 }, producer: { symbols, plan } })
    expectLossless(run)
    expect(run.server.stats.connections).toBe(3)
    expect(run.server.stats.subscribes).toBe(22)
    expect(run.server.stats.closedForRate).toBe(0)
  })

  it("keeps the old connection until Binance has acknowledged every SUBSCRIBE of the replacement: never a moment without a subscribed stream", async () => {
    const base = testConfig(0, ["BTCUSDT", "ETHUSDT"]).client
    // BTCUSDT is named in the URL, ETHUSDT subscribed a control spacing later: a replacement
    // delivers BTCUSDT's frames before ETHUSDT's are asked for.
    const plan = { maxStreamsPerConnection: 1_000, streamsInUrl: 1, streamsPerSubscribe: 1 }
    const run = await runAgainstReplay(frames(), {
      replay: { speed: 150 },
      producer: { plan, client: { ...base, maxConnectionAgeMillis: 700 } }
    })
    expectLossless(run)
    expect(run.metrics.counters.rotations).toBeGreaterThanOrEqual(3)
    // Each connection replaced by the next was closed only after the next had its SUBSCRIBE acknowledged.
    const { sessions } = run.server.stats
    const handovers = sessions.slice(0, -1).map((old, i) => ({ closedAt: old.closedAt, successorSubscribedAt: sessions[i + 1]!.subscribedAt }))
    expect(handovers.filter((h) => h.closedAt >= 0 && (h.successorSubscribedAt < 0 || h.closedAt < h.successorSubscribedAt))).toEqual([])
  })

  it("rotates connections before their maximum age with no gap and no duplicate", async () => {
    const base = testConfig(0, ["BTCUSDT", "ETHUSDT"]).client
    const run = await runAgainstReplay(frames(), {
      replay: { speed: 150 },
      producer: { client: { ...base, maxConnectionAgeMillis: 700 } }
    })
    expectLossless(run)
    expect(run.metrics.counters.rotations).toBeGreaterThanOrEqual(3)
    expect(run.server.stats.pongs).toBeGreaterThan(0)
    expect(run.metrics.counters.gapsFound).toBe(0)
  })
})
