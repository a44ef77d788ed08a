/**
 * The local runtime against a Binance-protocol server it was never tuned against
 * (support/hostileBinance.ts), misbehaving in every way at once: frames with the handshake,
 * duplicates, withheld and corrupted frames, a dropped connection, serverShutdown with the old
 * connection talking on, REST 429s. The process must keep running and lose no trade: the candles
 * it serves equal the recording's, trade counts included.
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { expect, it } from "@effect/vitest"
import { loadRecording } from "@blockchaincore/replay/Recording"
import { runLocalRuntime } from "../src/runtime/LocalRuntime.ts"
import { describeWithSharedData, RECORDING, sharedFile } from "@blockchaincore/testkit/sharedData"
import { expectedKlines, klines } from "./support/klines.ts"
import { startHostileBinance } from "@blockchaincore/testkit/hostileBinance"

describeWithSharedData("a Binance the producer has never met, misbehaving every way at once", () => {
  it.live(
    "neither stops the process nor loses a trade: the candles served equal the recording's",
    () =>
      Effect.gen(function* () {
        const frames = loadRecording(sharedFile(RECORDING))
        const server = yield* Effect.acquireRelease(
          Effect.promise(() => startHostileBinance(frames)),
          (s) => Effect.promise(() => s.close())
        )
        const { served, metrics } = yield* Effect.scoped(
          Effect.gen(function* () {
            const rt = yield* runLocalRuntime({
              symbols: ["BTCUSDT", "ETHUSDT"],
              wsUrl: `ws://127.0.0.1:${server.port}`,
              restUrl: `http://127.0.0.1:${server.port}`,
              replay: undefined,
              dataDir: mkdtempSync(join(tmpdir(), "blockchaincore-hostile-")),
              port: 0,
              statusEveryMillis: 3_600_000
            })
            // Bounded: until every trade has been taken by the queue and processed, at most 90 s.
            yield* rt.queue.until(() => rt.queue.tradesAccepted >= frames.length && rt.queue.depth === 0, 90_000)
            const served = new Map<string, unknown>()
            for (const symbol of ["BTCUSDT", "ETHUSDT"]) served.set(symbol, yield* Effect.promise(() => klines(rt.port, symbol)))
            return { served, metrics: rt.metrics() }
          })
        )
        expect(server.stats.duplicated + server.stats.withheld + server.stats.corrupted).toBeGreaterThan(30)
        expect(server.stats.rest429).toBe(2)
        expect(server.stats.connections).toBeGreaterThanOrEqual(3)
        expect(metrics.counters.framesMalformed).toBe(server.stats.corrupted)
        expect(metrics.counters.gapsFound).toBeGreaterThan(0)
        expect(metrics.counters.gapsFound).toBe(metrics.counters.gapsFilled)
        const expected = yield* Effect.promise(() => expectedKlines("1m"))
        for (const symbol of ["BTCUSDT", "ETHUSDT"]) {
          const want = expected.get(symbol) ?? []
          const got = served.get(symbol)
          expect(Array.isArray(got) ? got.slice(0, want.length) : got, symbol).toEqual(want)
        }
      }),
    120_000
  )
})
