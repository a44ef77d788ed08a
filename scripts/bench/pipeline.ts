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
import { loadRecording } from "@blockchaincore/replay/Recording"
import { ReplayServer } from "@blockchaincore/replay/ReplayServer"
import { runLocalRuntime } from "@blockchaincore/local/runtime/LocalRuntime"
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
/** One run from a fresh data directory: replay to stored candles, with the CPU it took. */
const measureThroughput = (run: number) => Effect.runPromise(
  Effect.scoped(
    Effect.gen(function*() {
      const started = Date.now()
      const rt = yield* runtimeAgainst(serverPort, `throughput-${run}`)
      const ready = Date.now() - started
      const cpuAtReady = process.cpuUsage()
      const threadAtReady = process.threadCpuUsage()
      while (rt.queue.tradesAccepted < expectedTrades && Date.now() - started < 600_000) yield* Effect.sleep(10)
      const queued = Date.now() - started
      while (rt.queue.depth > 0 && Date.now() - started < 600_000) yield* Effect.sleep(10)
      const cpu = process.cpuUsage(cpuAtReady)
      const thread = process.threadCpuUsage(threadAtReady)
      const streaming = Date.now() - started - ready
      return {
        rate: Math.round((expectedTrades / streaming) * 1000),
        line: `${expectedTrades.toLocaleString("en-US")} trades in ${streaming} ms after a start-up of ${ready} ms: ${Math.round((expectedTrades / streaming) * 1000).toLocaleString("en-US")} trades/s (${rt.pipe.batches} batches; all on the queue ${queued - ready} ms in; CPU ${((cpu.user + cpu.system) / expectedTrades).toFixed(2)} µs a trade, of which the main thread ${((thread.user + thread.system) / expectedTrades).toFixed(2)} µs)`
      }
    })
  )
)
// A running pipeline is compiled: the first run, which pays for the JIT, is reported apart. This
// 2-core machine's speed varies from run to run by a fifth and more: the median of the next three.
const warmUp = await measureThroughput(0)
const runs = [await measureThroughput(1), await measureThroughput(2), await measureThroughput(3)]
server.child.kill("SIGINT")
console.log(`pipeline first run (compiling as it goes): ${warmUp.line}`)
for (const [i, r] of runs.entries()) console.log(`pipeline run ${i + 1}: ${r.line}`)
const median = [...runs].sort((a, b) => a.rate - b.rate)[1]!
console.log(`pipeline: replay to stored candles, ${median.rate.toLocaleString("en-US")} trades/s sustained, the median of 3 runs after the first (${runs.map((r) => r.rate.toLocaleString("en-US")).join(", ")}; goal ≥ 200,000)`)

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
