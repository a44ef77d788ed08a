/**
 * A halt served by the exchange: ETHUSDT stops trading for four minutes of the recording (its
 * trades in them never happen, its ids go on without a jump afterwards) while BTCUSDT goes on,
 * and exchangeInfo says `BREAK` meanwhile. Binance makes no klines for those minutes; neither may
 * we: the stored candles are the halted market's, without a zero-volume candle for the halt.
 *
 * The replay here is as fast as the runtime reads, and the market does not wait for anyone to ask
 * about the halt: it begins and ends between two status checks, which both say `TRADING`. Only
 * the exchange's klines for the minutes without trades show it (`TradingWords`, `QuietMinutes`).
 * The paced halt, seen as `BREAK`, is in finalCandles.test.ts.
 */
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Schedule, Schema } from "effect"
import { expect, it } from "@effect/vitest"
import { klineRow } from "@blockchaincore/core/candle/KlineCsv"
import { haltedRecording, loadRecording } from "@blockchaincore/replay/Recording"
import { ReplayServer } from "@blockchaincore/replay/ReplayServer"
import { candlesOfFile } from "../src/candles/CandlesOfFile.ts"
import { runLocalRuntime } from "../src/runtime/LocalRuntime.ts"
import { describeWithSharedData, RECORDING, sharedFile } from "@blockchaincore/testkit/sharedData"

const Klines = Schema.Array(Schema.Array(Schema.Union([Schema.Number, Schema.String])))
const HALT = { symbol: "ETHUSDT", fromTime: Date.UTC(2024, 7, 8, 23, 57), toTime: Date.UTC(2024, 7, 9, 0, 1) }

describeWithSharedData("a symbol the exchange halts", () => {
  it.live(
    "gets no candles for the minutes it was not trading, and the recording's candles around them",
    () =>
      Effect.gen(function* () {
        const dir = mkdtempSync(join(tmpdir(), "blockchaincore-halt-"))
        const frames = haltedRecording(loadRecording(sharedFile(RECORDING)), HALT.symbol, HALT.fromTime, HALT.toTime)
        // What an engine that knew nothing of the halt makes of the halted market: the halt's minutes as zero-volume candles.
        const file = join(dir, "halted.ndjson")
        writeFileSync(file, frames.map((f) => f.text).join("\n"))
        const naive = (yield* candlesOfFile(file, { interval: "1m", symbol: HALT.symbol }, () => Effect.void)).candles
        const inHalt = (c: { readonly openTime: number }) => c.openTime >= HALT.fromTime && c.openTime < HALT.toTime
        expect(naive.filter(inHalt).map((c) => c.trades)).toEqual([0, 0, 0, 0])
        const expected = naive.filter((c) => !inHalt(c)).map(klineRow)

        const server = new ReplayServer(frames, { pingIntervalMillis: 200, faults: { halt: HALT } })
        const port = yield* Effect.acquireRelease(
          Effect.promise(() => server.listen()),
          () => Effect.promise(() => server.close())
        )
        const stored = yield* Effect.scoped(
          Effect.gen(function* () {
            const rt = yield* runLocalRuntime({
              symbols: ["BTCUSDT", "ETHUSDT"],
              wsUrl: `ws://127.0.0.1:${port}`,
              restUrl: `http://127.0.0.1:${port}`,
              replay: undefined,
              dataDir: join(dir, "data"),
              port: 0,
              completeness: { checkEveryMillis: 250, announceAfterMillis: 1_000 }
            })
            const ethCandles = Effect.promise(async () =>
              Schema.decodeUnknownSync(Klines)(await (await fetch(`http://127.0.0.1:${rt.port}/api/v3/klines?symbol=ETHUSDT&interval=1m&startTime=0`)).json())
            )
            // Bounded: until the window before the last holds its trades (the last closes with the stream's
            // end) and the halt is dated (a status check after it), at most 90 s; past it the assertions say what is wrong.
            const beforeLast = expected.at(-2)!
            const settled = (rows: ReadonlyArray<ReadonlyArray<string | number>>) =>
              rows.some((k) => k[0] === beforeLast[0] && k[8] === beforeLast[8]) && !rows.some((k) => inHalt({ openTime: Number(k[0]) }))
            yield* ethCandles.pipe(Effect.repeat({ until: settled, schedule: Schedule.spaced("100 millis") }), Effect.timeoutOption("90 seconds"))
            return yield* ethCandles
          })
        )
        expect(stored.filter((k) => inHalt({ openTime: Number(k[0]) }))).toEqual([])
        expect(stored.slice(0, expected.length - 1)).toEqual(expected.slice(0, -1))
      }),
    120_000
  )
})
