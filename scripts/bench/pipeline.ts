/**
 * The whole local pipeline's figures (replay server → producer → queue → enrichment → processor
 * → store → bus):
 * - throughput: the recording replicated, served as fast as it is read, until every trade is
 *   processed into stored candles;
 * - the same with tracing on (every batch traced) and sampled (1 in 100), spans sent over OTLP to
 *   a loopback collector that reads and drops them: tracing's cost;
 * - latency from a window's end to its `CandleClosed` on the bus, replaying at real speed: the
 *   window's end is mapped to wall time through the replay's pacing origin; and each hop's p50
 *   and p99 over that run, as `/metrics` and the dashboard give them.
 */
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Stream } from "effect"
import { loadRecording } from "@blockchaincore/replay/Recording"
import { ReplayServer } from "@blockchaincore/replay/ReplayServer"
import { runLocalRuntime } from "@blockchaincore/local/runtime/LocalRuntime"
import { OutboundHttp } from "@blockchaincore/adapters/http/OutboundHttp"
import { HttpClient, HttpClientResponse } from "effect/http"
import { PipelineHealth } from "@blockchaincore/core/health/PipelineHealth"
import { TRACING_OFF, type TracingSettings } from "@blockchaincore/observability/TracingSettings"
import { hopTable, startSpanSink } from "./hopTable.ts"
import { startFramedServerProcess } from "./replayServerProcess.ts"
import { readRecording, replicate } from "./replicate.ts"

const THROUGHPUT_TRADES = Number(process.env["BENCH_PIPELINE_TRADES"] ?? 300_000)
const LATENCY_SECONDS = Number(process.env["BENCH_LATENCY_SECONDS"] ?? 320)
const recordingPath = process.argv[2]!
const dir = mkdtempSync(join(tmpdir(), "blockchaincore-pipeline-"))

const runtimeAgainst = (port: number, name: string, tracing?: TracingSettings) =>
  runLocalRuntime({
    ...(tracing === undefined ? {} : { tracing }),
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
const measureThroughput = (run: string, tracing?: TracingSettings) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const started = Date.now()
        const rt = yield* runtimeAgainst(serverPort, `throughput-${run}`, tracing)
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
// Tracing's modes are interleaved, run by run, so that the machine's drift falls on all three alike.
const collector = await startSpanSink()
const MODES = {
  off: undefined,
  on: { ...TRACING_OFF, tracesUrl: `${collector.url}/v1/traces`, sampler: "always_on" },
  sampled: { ...TRACING_OFF, tracesUrl: `${collector.url}/v1/traces`, sampler: "parentbased_traceidratio", ratio: 0.01 }
} satisfies Record<string, TracingSettings | undefined>
const warmUp = await measureThroughput("0")
const byMode = new Map(Object.keys(MODES).map((mode) => [mode, [] as Array<Awaited<ReturnType<typeof measureThroughput>>>]))
const sent = new Map<string, number>()
for (let round = 1; round <= 3; round++) {
  for (const [mode, tracing] of Object.entries(MODES)) {
    const before = collector.bytes()
    byMode.get(mode)!.push(await measureThroughput(`${mode}-${round}`, tracing))
    sent.set(mode, (sent.get(mode) ?? 0) + collector.bytes() - before)
  }
}
server.child.kill("SIGINT")
await collector.close()
console.log(`pipeline first run (compiling as it goes): ${warmUp.line}`)
const medianOf = (runs: ReadonlyArray<{ readonly rate: number }>) => [...runs].sort((a, b) => a.rate - b.rate)[1]!.rate
const runs = byMode.get("off")!
for (const [i, r] of runs.entries()) console.log(`pipeline run ${i + 1}: ${r.line}`)
const median = medianOf(runs)
console.log(
  `pipeline: replay to stored candles, ${median.toLocaleString("en-US")} trades/s sustained, the median of 3 runs after the first (${runs.map((r) => r.rate.toLocaleString("en-US")).join(", ")}; goal ≥ 200,000)`
)
for (const mode of ["on", "sampled"]) {
  const traced = byMode.get(mode)!
  const rate = medianOf(traced)
  console.log(
    `pipeline, tracing ${mode === "on" ? "on (every batch)" : "sampled (1 in 100 batches)"}: ${rate.toLocaleString("en-US")} trades/s, ${(((rate - median) / median) * 100).toFixed(1)}% against off (${traced.map((r) => r.rate.toLocaleString("en-US")).join(", ")}; ${Math.round((sent.get(mode) ?? 0) / 3 / 1024).toLocaleString("en-US")} KiB of spans sent a run)`
  )
}

const latencies = await Effect.runPromise(
  Effect.scoped(
    Effect.gen(function* () {
      const server = new ReplayServer(loadRecording(recordingPath), { speed: 1 })
      const port = yield* Effect.acquireRelease(
        Effect.promise(() => server.listen()),
        () => Effect.promise(() => server.close())
      )
      const rt = yield* runtimeAgainst(port, "latency")
      const samples: Array<number> = []
      const closed = yield* rt.bus.events({ "detail-type": ["CandleClosed"], detail: { candle: { interval: ["1m"] } } })
      yield* Effect.forkScoped(
        Stream.runForEach(closed, (event) =>
          Effect.sync(() => {
            const origin = server.pacingOrigin
            if (event._tag !== "CandleClosed" || origin === undefined) return
            const windowEndWall = origin.wall + (event.candle.closeTime + 1 - origin.trade)
            samples.push(Date.now() - windowEndWall)
            if (process.env["BENCH_VERBOSE"] !== undefined)
              console.log(`pipeline-sample ${event.candle.symbol} ${new Date(event.candle.openTime).toISOString()} ${Date.now() - windowEndWall} ms`)
          })
        )
      )
      yield* Effect.sleep(LATENCY_SECONDS * 1000)
      const health = yield* HttpClient.get(`http://127.0.0.1:${rt.port}/health`).pipe(
        Effect.flatMap(HttpClientResponse.schemaBodyJson(PipelineHealth)),
        Effect.provide(OutboundHttp),
        Effect.orDie
      )
      return { samples, hops: hopTable(health.latency ?? []) }
    })
  )
)
// The first minute after start closes while code paths are still being compiled on first use:
// reported on its own, the steady state after it.
const firstMinute = latencies.samples.slice(0, 2)
const sorted = latencies.samples.slice(2).sort((a, b) => a - b)
const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
console.log(
  `pipeline: window end → CandleClosed at real speed, ${sorted.length} windows over ${LATENCY_SECONDS} s after the first minute: p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${sorted.at(-1)} ms (first minute after start: ${firstMinute.join(", ")} ms)`
)
console.log(`pipeline: each hop at real speed over those ${LATENCY_SECONDS} s (the p50 and p99 /metrics and the dashboard show):\n${latencies.hops}`)
