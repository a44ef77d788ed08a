/** The gap-filling stage alone, against the replay server's REST: a gap announced, filled in id order into the batcher's place, announced again. */
import { expect, it } from "@effect/vitest"
import { Effect, Queue } from "effect"
import { HttpClient } from "effect/http"
import { BinanceRest, DEFAULT_REST } from "@blockchaincore/adapters/binance/BinanceRest"
import { OutboundHttp } from "@blockchaincore/adapters/http/OutboundHttp"
import type { DomainEvent } from "@blockchaincore/core/events/DomainEvent"
import type { Gap } from "@blockchaincore/core/gaps/Gap"
import type { Trade } from "@blockchaincore/core/trade/Trade"
import { loadRecording } from "@blockchaincore/replay/Recording"
import { ReplayServer } from "@blockchaincore/replay/ReplayServer"
import { RECORDING, sharedFile } from "@blockchaincore/testkit/sharedData"
import { fillNextGap } from "../src/gaps/GapFilling.ts"
import { ProducerMetrics } from "../src/metrics/ProducerMetrics.ts"

const frames = loadRecording(sharedFile(RECORDING)).slice(0, 400)
const btc = frames.filter((f) => f.trade.symbol === "BTCUSDT").map((f) => f.trade)

const withServer = Effect.acquireRelease(
  Effect.promise(async () => {
    const server = new ReplayServer(frames)
    return { server, port: await server.listen() }
  }),
  ({ server }) => Effect.promise(() => server.close())
)

it.live("fills a gap from REST, in id order, between its two announcements; one it cannot fill is announced as such", () =>
  Effect.scoped(Effect.gen(function*() {
    const { port } = yield* withServer
    const rest = new BinanceRest({ ...DEFAULT_REST, baseUrl: `http://127.0.0.1:${port}`, maxAttempts: 2 }, yield* HttpClient.HttpClient)
    const gaps = yield* Queue.unbounded<Gap>()
    const announced: Array<DomainEvent> = []
    const delivered: Array<Trade> = []
    const metrics = new ProducerMetrics(0)
    const deps = { gaps, rest, metrics, announce: (events: ReadonlyArray<DomainEvent>) => Effect.sync(() => void announced.push(...events)), deliver: (t: Trade) => void delivered.push(t) }
    const [a, , , , b] = btc.slice(10, 15)
    yield* Queue.offer(gaps, { symbol: "BTCUSDT", fromId: a!.firstId, toId: b!.firstId, fromTime: a!.time, toTime: b!.time })
    yield* fillNextGap(deps)
    expect(delivered.map((t) => t.firstId)).toEqual(btc.slice(10, 15).map((t) => t.firstId))
    expect(announced.map((e) => e._tag)).toEqual(["DataGapDetected", "DataGapFilled"])
    expect(announced[1]).toMatchObject({ outcome: "filled", fromId: a!.firstId, toId: b!.firstId })
    expect([metrics.counters.gapsFilled, metrics.counters.tradesBackfilled]).toEqual([1, 5])

    const last = btc.at(-1)!
    yield* Queue.offer(gaps, { symbol: "BTCUSDT", fromId: last.firstId + 1, toId: last.firstId + 3, fromTime: last.time, toTime: last.time + 1 })
    yield* fillNextGap(deps)
    expect(announced.at(-1)).toMatchObject({ _tag: "DataGapFilled", outcome: "unfillable" })
    expect(metrics.counters.gapsUnfillable).toBe(1)
  })).pipe(Effect.provide(OutboundHttp)))
