/**
 * A producer that cannot go on says so: a part of it that dies (here the flush, whose queue
 * throws) fails `stopped` with the part's name, so the process can end with the reason instead of
 * streaming into a pipeline that no longer publishes.
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Exit, Layer } from "effect"
import { describe, expect, it } from "@effect/vitest"
import { EventBus } from "@blockchaincore/core/ports/EventBus"
import { TradeQueue } from "@blockchaincore/core/ports/TradeQueue"
import { RECORDING, sharedFile } from "@blockchaincore/testkit/sharedData"
import { DEFAULT_BATCHER } from "../src/batching/Batcher.ts"
import { ProducerStopped, runProducer } from "../src/Producer.ts"
import { Journal } from "../src/publish/Journal.ts"
import { loadRecording } from "@blockchaincore/replay/Recording"
import { OutboundHttp } from "@blockchaincore/adapters/http/OutboundHttp"
import { DEFAULT_REST, ExchangeRest } from "@blockchaincore/binance/rest/BinanceRest"
import { ReplayServer } from "@blockchaincore/replay/ReplayServer"
import { DEFAULT_PLAN } from "../src/stream/StreamPlan.ts"

describe("a producer that cannot go on", () => {
  it.live(
    "fails `stopped`, naming the part that died and why",
    () =>
      Effect.gen(function* () {
        const server = new ReplayServer(loadRecording(sharedFile(RECORDING)).slice(0, 500), { pingIntervalMillis: 1_000 })
        const port = yield* Effect.acquireRelease(
          Effect.promise(() => server.listen()),
          () => Effect.promise(() => server.close())
        )
        const broken = Layer.succeed(
          TradeQueue,
          TradeQueue.of({ publish: () => Effect.die(new TypeError("Cannot read properties of undefined (reading 'send')")) })
        )
        const bus = Layer.succeed(EventBus, EventBus.of({ publish: () => Effect.void }))
        const exit = yield* Effect.scoped(
          Effect.gen(function* () {
            const handle = yield* runProducer({
              symbols: ["BTCUSDT", "ETHUSDT"],
              wsUrl: `ws://127.0.0.1:${port}`,
              client: {
                connectTimeoutMillis: 2_000,
                idleTimeoutMillis: 5_000,
                controlSpacingMillis: 250,
                backoff: { baseMillis: 50, capMillis: 400 },
                maxConnectionAgeMillis: 60 * 60_000
              },
              plan: DEFAULT_PLAN,
              batcher: { ...DEFAULT_BATCHER, maxAgeMillis: 50 }
            })
            // Bounded: the first flush comes within a tick of the first trades.
            return yield* handle.stopped.pipe(Effect.timeout(30_000), Effect.exit)
          })
        ).pipe(
          Effect.provide(
            Layer.mergeAll(
              broken,
              bus,
              OutboundHttp,
              ExchangeRest.layer({ ...DEFAULT_REST, baseUrl: `http://127.0.0.1:${port}`, timeoutMillis: 2_000, maxRetryAfterMillis: 5_000 }).pipe(
                Layer.provide(OutboundHttp)
              ),
              Journal.layer(mkdtempSync(join(tmpdir(), "producer-stopped-")))
            )
          )
        )
        expect(Exit.isFailure(exit)).toBe(true)
        const error = Exit.isFailure(exit) ? exit.cause.reasons.map((r) => ("error" in r ? r.error : undefined)).find((e) => e !== undefined) : undefined
        expect(error).toBeInstanceOf(ProducerStopped)
        expect(error instanceof ProducerStopped ? error.message : "").toMatch(/^the producer's flush stopped: .*Cannot read properties of undefined/)
      }),
    60_000
  )
})
