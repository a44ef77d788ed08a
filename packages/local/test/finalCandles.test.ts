/**
 * Final means final, against a Binance-protocol server that never waits for its client: its
 * market runs on its own clock (twenty times real time), ETHUSDT is halted from 23:58 to 00:00
 * whether or not anyone asks, the runtime starts cold in the middle of 23:56, the trade database
 * behind `historicalTrades`, `aggTrades` and klines lags the market by 40 s, and the connection
 * drops twice. Once every window the stream covers is final, each stored candle must equal the
 * exchange's own kline, trade counts included: the first minute with the trades made before the
 * start, no candle for a halted minute, and the first hour and day with the minutes before.
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Schedule, Schema } from "effect"
import { expect, it } from "@effect/vitest"
import type { Candle } from "@blockchaincore/core/candle/Candle"
import { type Interval, windowOpen } from "@blockchaincore/core/candle/Interval"
import { klineRow } from "@blockchaincore/core/candle/KlineCsv"
import { CandleStore } from "@blockchaincore/core/ports/CandleStore"
import { haltedRecording, loadRecording } from "@blockchaincore/replay/Recording"
import { ReplayServer } from "@blockchaincore/replay/ReplayServer"
import { layerSqliteCandleStore } from "../src/sqlite/SqliteCandleStore.ts"
import { runLocalRuntime } from "../src/runtime/LocalRuntime.ts"
import { describeWithSharedData, RECORDING, sharedFile } from "@blockchaincore/testkit/sharedData"

const HALT = { symbol: "ETHUSDT", fromTime: Date.UTC(2024, 7, 8, 23, 58), toTime: Date.UTC(2024, 7, 9, 0, 0) }
const START = Date.UTC(2024, 7, 8, 23, 56, 30)
/** The last minute the recording's trades close (its last trade is at 00:05:05). */
const LAST_MINUTE = Date.UTC(2024, 7, 9, 0, 4)
const SYMBOLS = ["BTCUSDT", "ETHUSDT"]
const Klines = Schema.Array(Schema.Array(Schema.Union([Schema.Number, Schema.String])))

const storedCandles = (dataDir: string, symbol: string, interval: Interval) =>
  CandleStore.use((store) => store.candles({ symbol, interval, startTime: 0, limit: 1_000 })).pipe(
    Effect.provide(layerSqliteCandleStore(join(dataDir, "candles.sqlite"))),
    Effect.orDie
  )

const minutesFinal = (candles: ReadonlyArray<Candle>) =>
  candles.some((c) => c.openTime === LAST_MINUTE) && candles.every((c) => c.openTime > LAST_MINUTE || c.complete)

describeWithSharedData("final candles against an exchange that does not wait", () => {
  it.live(
    "stores exactly the exchange's klines through a real-time halt, a mid-minute cold start, a lagging REST database and two dropped connections",
    () =>
      Effect.gen(function* () {
        const frames = haltedRecording(loadRecording(sharedFile(RECORDING)), HALT.symbol, HALT.fromTime, HALT.toTime)
        const server = new ReplayServer(frames, {
          speed: 20,
          pingIntervalMillis: 200,
          startAt: frames.findIndex((f) => f.trade.time >= START),
          missOnReconnect: 300,
          faults: { halt: HALT, restLagMillis: 40_000, dropAt: [4_000, 12_000] }
        })
        const port = yield* Effect.acquireRelease(
          Effect.promise(() => server.listen()),
          () => Effect.promise(() => server.close())
        )
        const dataDir = mkdtempSync(join(tmpdir(), "blockchaincore-final-"))
        yield* Effect.scoped(
          Effect.gen(function* () {
            yield* runLocalRuntime({
              symbols: SYMBOLS,
              wsUrl: `ws://127.0.0.1:${port}`,
              restUrl: `http://127.0.0.1:${port}`,
              replay: undefined,
              dataDir,
              port: 0,
              completeness: { checkEveryMillis: 250, announceAfterMillis: 60_000 }
            })
            // Bounded: until every minute to 00:04 of both symbols is final, at most 120 s.
            const allFinal = Effect.forEach(SYMBOLS, (symbol) => storedCandles(dataDir, symbol, "1m")).pipe(Effect.map((each) => each.every(minutesFinal)))
            // Past the bound the assertions below say which candle is not final.
            yield* allFinal.pipe(Effect.repeat({ until: (done) => done, schedule: Schedule.spaced("250 millis") }), Effect.timeoutOption("120 seconds"))
          })
        )
        expect(server.stats.connections).toBeGreaterThanOrEqual(3)

        const exchange = (symbol: string, interval: Interval) =>
          Effect.promise(async () =>
            Schema.decodeUnknownSync(Klines)(
              await (await fetch(`http://127.0.0.1:${port}/api/v3/klines?symbol=${symbol}&interval=${interval}&startTime=0&limit=1000`)).json()
            )
          )
        // The exchange's own database lags its market by 40 s: its klines are asked once they reach 00:04.
        for (const symbol of SYMBOLS) {
          yield* exchange(symbol, "1m").pipe(
            Effect.repeat({ until: (rows) => rows.some((k) => k[0] === LAST_MINUTE), schedule: Schedule.spaced("100 millis") }),
            Effect.timeout("30 seconds")
          )
        }
        for (const symbol of SYMBOLS) {
          const stored = (yield* storedCandles(dataDir, symbol, "1m")).filter((c) => c.openTime <= LAST_MINUTE)
          const theirs = (yield* exchange(symbol, "1m")).filter((k) => Number(k[0]) <= LAST_MINUTE)
          // Every stored candle is the exchange's kline (those before the start, the warm start's, are its klines as given)…
          const storedTimes = new Set(stored.map((c) => c.openTime))
          expect(stored.map(klineRow), symbol).toEqual(theirs.filter((k) => storedTimes.has(Number(k[0]))))
          // …and from the start's minute on, every kline of the exchange is stored, final.
          const fromStart = (openTime: number) => openTime >= windowOpen("1m", START)
          expect(
            stored.filter((c) => fromStart(c.openTime)).map((c) => c.openTime),
            symbol
          ).toEqual(theirs.map((k) => Number(k[0])).filter(fromStart))
          expect(
            stored.filter((c) => !c.complete).map((c) => new Date(c.openTime).toISOString()),
            symbol
          ).toEqual([])
          // The first hour and day hold the minutes before the start, from the exchange's klines.
          for (const interval of ["1h", "1d"] as const) {
            const [first] = yield* storedCandles(dataDir, symbol, interval)
            const [theirFirst] = yield* exchange(symbol, interval)
            expect(first === undefined ? undefined : klineRow(first), `${symbol} ${interval}`).toEqual(theirFirst)
            expect(first?.complete).toBe(true)
          }
        }
        const eth = yield* storedCandles(dataDir, HALT.symbol, "1m")
        expect(eth.filter((c) => c.openTime >= HALT.fromTime && c.openTime < HALT.toTime)).toEqual([])
      }),
    200_000
  )
})
