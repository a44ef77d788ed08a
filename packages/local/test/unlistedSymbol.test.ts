/**
 * A symbol Binance no longer lists (delisted, or renamed as NANO became XNO): Binance refuses any
 * request that names it ("Invalid symbol", -1121), so one such symbol would stop the completeness
 * check for all. The runtime finds it by name, says so in /health and the dashboard's banner, and
 * goes on checking the others.
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Schedule, Schema } from "effect"
import { expect, it } from "@effect/vitest"
import { PipelineHealth } from "@blockchaincore/core/health/PipelineHealth"
import { loadRecording } from "@blockchaincore/replay/Recording"
import { ReplayServer } from "@blockchaincore/replay/ReplayServer"
import { bannerText } from "@blockchaincore/web/Banner"
import { runLocalRuntime } from "../src/runtime/LocalRuntime.ts"
import { describeWithSharedData, RECORDING, sharedFile } from "@blockchaincore/testkit/sharedData"

describeWithSharedData("a symbol Binance no longer lists", () => {
  it.live(
    "is named in /health and the banner, and the other symbols are still checked",
    () =>
      Effect.gen(function* () {
        const server = new ReplayServer(loadRecording(sharedFile(RECORDING)), { pingIntervalMillis: 200 })
        const port = yield* Effect.acquireRelease(
          Effect.promise(() => server.listen()),
          () => Effect.promise(() => server.close())
        )
        const health = yield* Effect.scoped(
          Effect.gen(function* () {
            const rt = yield* runLocalRuntime({
              symbols: ["BTCUSDT", "ETHUSDT", "NANOUSDT"],
              wsUrl: `ws://127.0.0.1:${port}`,
              restUrl: `http://127.0.0.1:${port}`,
              replay: undefined,
              dataDir: mkdtempSync(join(tmpdir(), "blockchaincore-unlisted-")),
              port: 0,
              completeness: { checkEveryMillis: 250, announceAfterMillis: 1_000 }
            })
            const current = Effect.promise(async () =>
              Schema.decodeUnknownSync(PipelineHealth)(await (await fetch(`http://127.0.0.1:${rt.port}/health`)).json())
            )
            // Bounded: until NANOUSDT is named, then until two more checks (two requests each) were answered, at most 60 s each.
            const named = yield* current.pipe(
              Effect.repeat({ until: (h) => h.symbols.some((s) => s.exchangeStatus === "NOT_LISTED"), schedule: Schedule.spaced("100 millis") }),
              Effect.timeout("60 seconds")
            )
            const after = server.stats.restRequests
            yield* Effect.sync(() => server.stats.restRequests).pipe(
              Effect.repeat({ until: (n) => n >= after + 4, schedule: Schedule.spaced("100 millis") }),
              Effect.timeout("60 seconds")
            )
            return { named, checksSince: server.stats.restRequests - after }
          })
        )
        expect(health.named.symbols.filter((s) => s.exchangeStatus !== undefined).map((s) => [s.symbol, s.exchangeStatus])).toEqual([
          ["NANOUSDT", "NOT_LISTED"]
        ])
        expect(bannerText(health.named)).toBe("NANOUSDT: Binance no longer lists it (delisted or renamed): its last candles are final.")
        expect(health.checksSince).toBeGreaterThanOrEqual(4)
      }),
    120_000
  )
})
