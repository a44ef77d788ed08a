/**
 * Every final hour is compared with the exchange's own klines. Replaying the recording through
 * the local runtime, with the replay server answering `/api/v3/klines` from the same trades, the
 * hour it closes (23:00, for BTCUSDT and ETHUSDT) is reconciled with no window differing, and
 * `/health`, `/metrics` and the bus say so.
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Schedule, Schema } from "effect"
import { expect, it } from "@effect/vitest"
import { PipelineHealth } from "@blockchaincore/core/health/PipelineHealth"
import { runLocalRuntime } from "../src/runtime/LocalRuntime.ts"
import { describeWithSharedData, RECORDING, sharedFile } from "@blockchaincore/testkit/sharedData"

describeWithSharedData("the reconciliation with Binance's klines", () => {
  it.live(
    "reads zero mismatches after replaying the recording, in /health, /metrics and on the bus",
    () =>
      Effect.gen(function* () {
        const result = yield* Effect.scoped(
          Effect.gen(function* () {
            const rt = yield* runLocalRuntime({
              symbols: undefined,
              wsUrl: "ws://unused",
              restUrl: "http://unused",
              replay: { file: sharedFile(RECORDING), speed: undefined },
              dataDir: mkdtempSync(join(tmpdir(), "blockchaincore-reconcile-")),
              port: 0,
              bus: { keepHistory: true }
            })
            const health = Effect.promise(async () =>
              Schema.decodeUnknownSync(PipelineHealth)(await (await fetch(`http://127.0.0.1:${rt.port}/health`)).json())
            )
            // Bounded: until both symbols' hour is reconciled, at most 90 s.
            const reconciled = yield* health.pipe(
              Effect.repeat({ until: (h) => (h.reconciliation?.hours ?? 0) >= 2, schedule: Schedule.spaced("100 millis") }),
              Effect.timeout("90 seconds")
            )
            const metrics = yield* Effect.promise(async () => (await fetch(`http://127.0.0.1:${rt.port}/metrics`)).text())
            return { reconciled, metrics, events: rt.bus.published.filter((e) => e._tag === "HourReconciled") }
          })
        )
        expect(result.reconciled.reconciliation).toMatchObject({ hours: 2, mismatches: 0 })
        expect(result.reconciled.reconciliation?.lastAt).toBeGreaterThan(0)
        expect(result.metrics).toMatch(/^blockchaincore_reconciled_hours_total(\{[^}]*\})? 2$/m)
        expect(result.metrics).toMatch(/^blockchaincore_reconciliation_mismatches_total(\{[^}]*\})? 0$/m)
        expect(result.events.map((e) => e._tag === "HourReconciled" && [e.symbol, new Date(e.openTime).toISOString(), e.differences.length]).sort()).toEqual([
          ["BTCUSDT", "2024-08-08T23:00:00.000Z", 0],
          ["ETHUSDT", "2024-08-08T23:00:00.000Z", 0]
        ])
        // The windows the recording covers of that hour: 23:54 to 23:59.
        expect(result.events.every((e) => e._tag === "HourReconciled" && e.windows === 6)).toBe(true)
      }),
    120_000
  )
})
