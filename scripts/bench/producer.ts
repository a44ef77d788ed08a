/**
 * The producer's figures: frames per second from a replay server (in a child process, as fast
 * as the producer reads) to batches published on the local queue, and the producer's memory
 * with 200 symbols subscribed once the stream has gone through.
 */
import { DEFAULT_REST, ExchangeRest } from "@blockchaincore/binance/rest/BinanceRest"
import { spawnSync } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Layer } from "effect"
import { InProcessEventBus } from "@blockchaincore/local/memory/InProcessEventBus"
import { SqliteTradeQueue } from "@blockchaincore/local/sqlite/SqliteTradeQueue"
import { DEFAULT_BATCHER } from "@blockchaincore/producer/batching/Batcher"
import { produce } from "@blockchaincore/pipeline/ProduceStage"
import { OutboundHttp } from "@blockchaincore/adapters/http/OutboundHttp"
import { Journal } from "@blockchaincore/producer/publish/Journal"
import { BENCH_DIR, startFramedServerProcess } from "./replayServerProcess.ts"

const FRAMES = 500_000
const SYMBOLS = 200

const dir = mkdtempSync(join(tmpdir(), "blockchaincore-bench-"))
const file = join(dir, "replicated.ndjson")
// Made in a process of its own, so that this process's memory is the producer's alone.
const frameCount = Number(spawnSync(process.execPath, [join(BENCH_DIR, "replicate.ts"), process.argv[2]!, file, String(FRAMES)], { encoding: "utf8" }).stdout)

const symbols = ["BTCUSDT", "ETHUSDT", ...Array.from({ length: SYMBOLS - 2 }, (_, i) => `BENCH${i}USDT`)]

// Steady state: the same 200 symbols at a paced 20,000 frames a second (several times all of
// Binance spot's usual trade rate), batches consumed as they come; RSS sampled after 20 s.
const restAt = (baseUrl: string) => ExchangeRest.layer({ ...DEFAULT_REST, baseUrl }).pipe(Layer.provide(OutboundHttp))
const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`
const STEADY_RATE = 20_000
const STEADY_SECONDS = 20
const paced = await startFramedServerProcess(file, STEADY_RATE)
const steady = await Effect.runPromise(
  Effect.scoped(
    Effect.gen(function* () {
      const steadyQueue = new SqliteTradeQueue()
      const handle = yield* produce({ symbols, wsUrl: `ws://127.0.0.1:${paced.port}`, states: undefined }).pipe(
        Effect.provide(
          Layer.mergeAll(
            steadyQueue.layer(),
            InProcessEventBus.layer(),
            Journal.layer(join(dir, "journal-steady")),
            OutboundHttp,
            restAt(`http://127.0.0.1:${paced.port}`)
          )
        )
      )
      const samples: Array<number> = []
      for (let s = 0; s < STEADY_SECONDS * 10; s++) {
        for (let shard = 0; shard < DEFAULT_BATCHER.shards; shard++) steadyQueue.take(shard, Number.MAX_SAFE_INTEGER)
        if (s >= STEADY_SECONDS * 5) samples.push(process.memoryUsage().rss)
        yield* Effect.sleep(100)
      }
      return { rss: Math.max(...samples), frames: [...handle.metrics().counters.symbols.values()].reduce((n, c) => n + c.frames, 0) }
    })
  )
)
paced.child.kill("SIGINT")
const steadyLine = `producer steady state, ${SYMBOLS} symbols at ${STEADY_RATE.toLocaleString("en-US")} frames/s paced: ${steady.frames.toLocaleString("en-US")} frames in ${STEADY_SECONDS} s, peak rss ${mib(steady.rss)} over the last ${STEADY_SECONDS / 2} s, measured first, in a process that has not seen a flood`

/** The replicated recording as fast as the producer reads it, with `symbolList` subscribed. */
const floodRun = async (symbolList: ReadonlyArray<string>, journal: string) => {
  const server = await startFramedServerProcess(file)
  const url = `ws://127.0.0.1:${server.port}`
  const queue = new SqliteTradeQueue()
  const published = () => queue.tradesAccepted
  globalThis.gc?.()
  const baseline = process.memoryUsage()
  const result = await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const started = Date.now()
        const handle = yield* produce({ symbols: symbolList, wsUrl: url, states: undefined }).pipe(Effect.provide(restAt(url.replace("ws://", "http://"))))
        const deadline = Date.now() + 300_000
        // A consumer takes the batches as they come, as the pipe does: the producer's memory is its own.
        let peakRss = 0
        while (published() < frameCount && Date.now() < deadline) {
          for (let shard = 0; shard < DEFAULT_BATCHER.shards; shard++) queue.take(shard, Number.MAX_SAFE_INTEGER)
          peakRss = Math.max(peakRss, process.memoryUsage().rss)
          yield* Effect.sleep(20)
        }
        const elapsed = Date.now() - started
        for (let shard = 0; shard < DEFAULT_BATCHER.shards; shard++) queue.take(shard, Number.MAX_SAFE_INTEGER)
        globalThis.gc?.()
        const memory = process.memoryUsage()
        return { elapsed, memory, peakRss, metrics: handle.metrics(), published: published() }
      })
    ).pipe(Effect.provide(Layer.mergeAll(queue.layer(), InProcessEventBus.layer(), Journal.layer(join(dir, journal)), OutboundHttp)))
  )
  server.child.kill("SIGINT")
  return { ...result, baseline }
}

// Three runs, the median reported: a single run on a shared 2-core machine varies by a fifth.
const FLOOD_RUNS = 3
const runs: Array<Awaited<ReturnType<typeof floodRun>>> = []
for (let run = 0; run < FLOOD_RUNS; run++) runs.push(await floodRun(symbols, `journal-${run}`))
const rate = (r: { readonly published: number; readonly elapsed: number }) => Math.round((r.published / r.elapsed) * 1000)
const result = [...runs].sort((a, b) => rate(a) - rate(b))[Math.floor(FLOOD_RUNS / 2)]!
const baseline = result.baseline
// All of Binance spot is about 3,000 trade streams: three connections of 1,000, most subscribed by SUBSCRIBE.
const ALL_SPOT = 3_000
const wide = await floodRun(["BTCUSDT", "ETHUSDT", ...Array.from({ length: ALL_SPOT - 2 }, (_, i) => `SPOT${i}USDT`)], "journal-wide")

console.log(steadyLine)
console.log(
  `producer: ${frameCount.toLocaleString("en-US")} frames from the replay server to ${result.metrics.publish.published.toLocaleString("en-US")} published batches, ${SYMBOLS} symbols subscribed`
)
console.log(
  `producer: ${result.elapsed} ms  ${rate(result).toLocaleString("en-US")} frames/s (connect, decode, sequence, batch, publish), the median of ${FLOOD_RUNS} runs (${runs.map((r) => rate(r).toLocaleString("en-US")).join(", ")})`
)
console.log(
  `producer memory, ${SYMBOLS} symbols, batches consumed as they come: peak rss ${mib(result.peakRss)} while streaming; after it, rss ${mib(result.memory.rss)}, heap ${mib(result.memory.heapUsed - baseline.heapUsed)} above the process's baseline (${mib(baseline.heapUsed)}, rss ${mib(baseline.rss)} before this run, after the steady-state one)`
)

console.log(
  `producer, ${ALL_SPOT.toLocaleString("en-US")} streams (${wide.metrics.counters.connects} connections): ${wide.elapsed} ms  ${rate(wide).toLocaleString("en-US")} frames/s, peak rss ${mib(wide.peakRss)}`
)
