/**
 * The whole local pipeline's figures (replay server → producer → queue → enrichment → processor
 * → store → bus):
 * - throughput: the recording replicated, served as fast as it is read, until every trade is
 *   processed into stored candles;
 * - latency from a window's end to its `CandleClosed` on the bus, replaying at real speed: the
 *   window's end is mapped to wall time through the replay's pacing origin.
 */
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Stream } from "effect"
import { loadRecording } from "../../packages/producer/src/replay/Recording.ts"
import { ReplayServer } from "../../packages/producer/src/replay/ReplayServer.ts"
import { runLocalRuntime } from "../../packages/local/src/runtime/LocalRuntime.ts"
import { startFramedServerProcess } from "./replayServerProcess.ts"
import { readRecording, replicate } from "./replicate.ts"

const THROUGHPUT_TRADES = Number(process.env["BENCH_PIPELINE_TRADES"] ?? 300_000)
const LATENCY_SECONDS = Number(process.env["BENCH_LATENCY_SECONDS"] ?? 320)
const recordingPath = process.argv[2]!
const dir = mkdtempSync(join(tmpdir(), "blockchaincore-pipeline-"))

const runtimeAgainst = (port: number, name: string) =>
  runLocalRuntime({
    symbols: ["BTCUSDT", "ETHUSDT"],
    wsUrl: `ws://127.0.0.1:${port}`,
    restUrl: `http://127.0.0.1:${port}`,
    replay: undefined,
    dataDir: join(dir, name),
    port: 0,
    statusEveryMillis: 3_600_000
  })

const replicated = join(dir, "replicated.ndjson")
writeFileSync(replicated, replicate(readRecording(recordingPath), THROUGHPUT_TRADES).join("\n"))

const server = await startFramedServerProcess(replicated)
const serverPort = server.port
const expectedTrades = loadRecording(replicated).length
const throughput = await Effect.runPromise(
  Effect.scoped(
    Effect.gen(function*() {
      const started = Date.now()
      const rt = yield* runtimeAgainst(serverPort, "throughput")
      const ready = Date.now() - started
      const cpuAtReady = process.cpuUsage()
      const threadAtReady = process.threadCpuUsage()
      while (rt.queue.tradesAccepted < expectedTrades && Date.now() - started < 600_000) yield* Effect.sleep(10)
      const queued = Date.now() - started
      while (rt.queue.depth > 0 && Date.now() - started < 600_000) yield* Effect.sleep(10)
      const cpu = process.cpuUsage(cpuAtReady)
      const thread = process.threadCpuUsage(threadAtReady)
      return { trades: expectedTrades, millis: Date.now() - started, ready, queued, batches: rt.pipe.batches, cpuMillis: (cpu.user + cpu.system) / 1000, mainMillis: (thread.user + thread.system) / 1000 }
    })
  )
)
server.child.kill("SIGINT")
const streaming = throughput.millis - throughput.ready
console.log(`pipeline: ${throughput.trades.toLocaleString("en-US")} trades from replay to stored candles in ${streaming} ms after a start-up of ${throughput.ready} ms: ${Math.round((throughput.trades / streaming) * 1000).toLocaleString("en-US")} trades/s sustained (${throughput.batches} batches; all on the queue ${throughput.queued - throughput.ready} ms in; CPU ${((throughput.cpuMillis * 1000) / throughput.trades).toFixed(2)} µs a trade, of which the main thread ${((throughput.mainMillis * 1000) / throughput.trades).toFixed(2)} µs)`)

const latencies = await Effect.runPromise(
  Effect.scoped(
    Effect.gen(function*() {
      const server = new ReplayServer(loadRecording(recordingPath), { speed: 1 })
      const port = yield* Effect.acquireRelease(Effect.promise(() => server.listen()), () => Effect.promise(() => server.close()))
      const rt = yield* runtimeAgainst(port, "latency")
      const samples: Array<number> = []
      const closed = yield* rt.bus.events({ "detail-type": ["CandleClosed"], detail: { candle: { interval: ["1m"] } } })
      yield* Effect.forkScoped(Stream.runForEach(closed, (event) => Effect.sync(() => {
        const origin = server.pacingOrigin
        if (event._tag !== "CandleClosed" || origin === undefined) return
        const windowEndWall = origin.wall + (event.candle.closeTime + 1 - origin.trade)
        samples.push(Date.now() - windowEndWall)
        if (process.env["BENCH_VERBOSE"] !== undefined) console.log(`pipeline-sample ${event.candle.symbol} ${new Date(event.candle.openTime).toISOString()} ${Date.now() - windowEndWall} ms`)
      })))
      yield* Effect.sleep(LATENCY_SECONDS * 1000)
      return samples
    })
  )
)
// The first minute after start closes while code paths are still being compiled on first use:
// reported on its own, the steady state after it.
const firstMinute = latencies.slice(0, 2)
const sorted = latencies.slice(2).sort((a, b) => a - b)
const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
console.log(`pipeline: window end → CandleClosed at real speed, ${sorted.length} windows over ${LATENCY_SECONDS} s after the first minute: p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${sorted.at(-1)} ms (first minute after start: ${firstMinute.join(", ")} ms)`)
