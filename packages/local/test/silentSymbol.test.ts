/**
 * One symbol's stream goes silent for good: a Binance-protocol server on loopback stops sending
 * ETHUSDT's trades a third of the way into the recording, keeps the connection and BTCUSDT going,
 * and answers REST truthfully. The completeness watermark sees Binance's last trade id move past
 * what was delivered, the missing trades are filled from REST, the candles they fall in are
 * revised, and ETHUSDT's stored 1m candles equal the recording's, trade counts included.
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Schedule, Schema } from "effect"
import { PipelineHealth } from "@blockchaincore/core/health/PipelineHealth"
import { bannerText } from "@blockchaincore/web/Banner"
import { expect, it } from "@effect/vitest"
import { klineRow } from "@blockchaincore/core/candle/KlineCsv"
import { loadRecording } from "@blockchaincore/replay/Recording"
import { ReplayServer } from "@blockchaincore/replay/ReplayServer"
import { candlesOfFile } from "../src/candles/CandlesOfFile.ts"
import { runLocalRuntime } from "../src/runtime/LocalRuntime.ts"
import { describeWithSharedData, RECORDING, sharedFile } from "@blockchaincore/testkit/sharedData"

const Klines = Schema.Array(Schema.Array(Schema.Union([Schema.Number, Schema.String])))

describeWithSharedData("a symbol whose stream goes silent", () => {
  it.live(
    "is caught by the exchange's last trade id, filled from REST, and its candles equal the recording's",
    () =>
      Effect.gen(function* () {
        const expected = (yield* candlesOfFile(sharedFile(RECORDING), { interval: "1m", symbol: "ETHUSDT" }, () => Effect.void)).candles.map(klineRow)
        const server = new ReplayServer(loadRecording(sharedFile(RECORDING)), {
          pingIntervalMillis: 200,
          faults: { silenceSymbol: { symbol: "ETHUSDT", after: 12_000 } }
        })
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
              dataDir: mkdtempSync(join(tmpdir(), "blockchaincore-silent-")),
              port: 0,
              completeness: { checkEveryMillis: 250, announceAfterMillis: 1_000 },
              bus: { keepHistory: true }
            })
            // As a user reads them: the API's klines.
            const ethCandles = Effect.promise(async () =>
              Schema.decodeUnknownSync(Klines)(await (await fetch(`http://127.0.0.1:${rt.port}/api/v3/klines?symbol=ETHUSDT&interval=1m&startTime=0`)).json())
            )
            // Bounded: until the closed windows hold every trade they should (the last closes with the stream's end), at most 90 s.
            const closed = expected.slice(0, -1).reduce((n, k) => n + Number(k[8]), 0)
            const candles = yield* ethCandles.pipe(
              Effect.repeat({
                until: (rows) => rows.slice(0, expected.length - 1).reduce((n, k) => n + Number(k[8]), 0) >= closed,
                schedule: Schedule.spaced("100 millis")
              }),
              Effect.timeout("90 seconds")
            )
            // The data-quality event, and /health saying since when the stream is silent.
            // The bus keeps what it published: the event is there however late it is looked for (bounded).
            const silence = yield* Effect.sync(() => rt.bus.published.find((e) => e._tag === "StreamSilent")).pipe(
              Effect.repeat({ until: (e) => e !== undefined, schedule: Schedule.spaced("100 millis") }),
              Effect.timeout("30 seconds")
            )
            const health = yield* Effect.promise(async () =>
              Schema.decodeUnknownSync(PipelineHealth)(await (await fetch(`http://127.0.0.1:${rt.port}/health`)).json())
            )
            return { candles, silent: rt.metrics().counters.silentGaps, silence, health }
          })
        )
        expect(stored.silent).toBeGreaterThanOrEqual(1)
        expect(stored.silence).toMatchObject({ _tag: "StreamSilent", symbol: "ETHUSDT" })
        expect(stored.health.symbols.find((s) => s.symbol === "ETHUSDT")?.silentSince).toBeGreaterThan(0)
        expect(stored.health.symbols.find((s) => s.symbol === "BTCUSDT")?.silentSince).toBeUndefined()
        expect(bannerText(stored.health)).toMatch(/ETHUSDT: Binance has trades its stream has not sent since \d\d:\d\d:\d\d UTC/)
        expect(stored.candles.slice(0, expected.length - 1)).toEqual(expected.slice(0, -1))
      }),
    120_000
  )
})
