/**
 * The local HTTP surface under hostile input, on loopback and bounded in count and time: random
 * and malformed methods, paths (bad percent-encoding, traversal, very long), queries, headers,
 * bodies and plain garbage bytes, first before the producer has started, then against the
 * running pipeline. No request may end the process or be answered with a server error; the API's
 * own errors are in Binance's shape; afterwards the runtime still answers and serves exactly the
 * candles it served before.
 */
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import fc from "fast-check"
import { Context, Effect, Layer, Schema } from "effect"
import { HttpServer } from "effect/http"
import { expect, it } from "@effect/vitest"
import { PipelineHealth } from "@blockchaincore/core/health/PipelineHealth"
import { localRuntimeBelowProducer, type LocalRuntimeConfig, runLocalRuntime } from "../src/runtime/LocalRuntime.ts"
import { describeWithSharedData, RECORDING, sharedFile } from "@blockchaincore/testkit/sharedData"
import { klines } from "./support/klines.ts"
import { rawRequest, sendRaw } from "@blockchaincore/testkit/rawHttp"

const KNOWN = [
  "/api/v3/klines",
  "/api/v3/exchangeInfo",
  "/api/anomalies",
  "/api/alerts",
  "/health",
  "/metrics",
  "/docs",
  "/api/openapi.json",
  "/",
  "/index.html",
  "/app.js"
]

const queryValue = fc.oneof(
  fc.constantFrom(
    "BTCUSDT",
    "btcusdt",
    "1m",
    "7m",
    "-1",
    "0",
    "1001",
    "1e3",
    "NaN",
    "",
    "%",
    "%zz",
    "%E0%A4%A",
    "null",
    "[]",
    "{}",
    "../",
    "'; DROP TABLE candles; --"
  ),
  fc.string({ maxLength: 40 }),
  fc.stringMatching(/^[A-Z0-9]{0,25}$/)
)
const query = fc
  .array(fc.tuple(fc.constantFrom("symbol", "interval", "limit", "startTime", "endTime", "rule", "severity", "x", "", "symbol[]"), queryValue), {
    maxLength: 6
  })
  .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join("&"))

const path = fc.oneof(
  fc.constantFrom(...KNOWN),
  fc.constantFrom(
    "/%",
    "/%%",
    "/%E0%A4%A",
    "/%c0%ae%c0%ae/",
    "/../../../../etc/passwd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/..%2f..%2fetc%2fpasswd",
    "//etc/passwd",
    "/api/v3/",
    "/api/v3/klines/",
    "/api/v3/klines/..",
    "/static/../../package.json",
    "*",
    "http://127.0.0.1/health",
    "/\u0000",
    "/😀"
  ),
  fc.string({ maxLength: 60 }).map((s) => `/${s}`),
  fc.integer({ min: 1_000, max: 40_000 }).map((n) => `/${"a".repeat(n)}`)
)
const target = fc.tuple(path, fc.option(query)).map(([p, q]) => (q === null ? p : `${p}?${q}`))
const method = fc.oneof(
  fc.constantFrom("GET", "GET", "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "PROPFIND", "G\u0000T", "get"),
  fc.stringMatching(/^[A-Z]{1,12}$/)
)
const header = fc.tuple(
  fc.oneof(
    fc.constantFrom("Accept", "Accept-Encoding", "Range", "If-None-Match", "Content-Type", "Transfer-Encoding", "Cookie", "X-Forwarded-For", "Origin"),
    fc.stringMatching(/^[A-Za-z-]{1,20}$/)
  ),
  fc.oneof(
    fc.constantFrom("*/*", "gzip, br", "bytes=0-0", "bytes=99999999-", "chunked", "\u0000", "a\r\nInjected: yes", "x".repeat(9_000)),
    fc.string({ maxLength: 40 })
  )
)
const request = fc.record({ method, target, headers: fc.array(header, { maxLength: 4 }), body: fc.oneof(fc.constant(""), fc.string({ maxLength: 200 })) })
const garbage = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 2_000 }),
  fc.constantFrom(
    "GET / HTTP/1.1\r\n",
    "GET /health HTTP/9.9\r\n\r\n",
    "\r\n\r\n",
    "GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    "GET /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n"
  )
)

/** Sends `count` generated requests and `garbageCount` garbage payloads, a few at a time; returns what came back. */
const fuzz = async (port: number, seed: number, count: number, garbageCount: number) => {
  const requests = fc.sample(request, { seed, numRuns: count })
  const payloads = fc.sample(garbage, { seed: seed + 1, numRuns: garbageCount })
  const answers: Array<{ readonly sent: string; readonly status: number | undefined; readonly body: string }> = []
  // The known-bad ones every time, the generated ones beside them.
  const always = [
    "/%",
    "/%E0%A4%A",
    "/api/v3/klines?symbol=%",
    "/../../../../etc/passwd",
    "/%2e%2e/%2e%2e/etc/passwd",
    `/${"a".repeat(30_000)}`,
    "/metrics",
    "/health",
    "/api/events?x=%"
  ].map((t) => rawRequest("GET", t, [], ""))
  const jobs = [...always, ...requests.map((r) => rawRequest(r.method, r.target, r.headers, r.body)), ...payloads]
  for (let i = 0; i < jobs.length; i += 8) {
    const batch = jobs.slice(i, i + 8)
    const got = await Promise.all(batch.map((bytes) => sendRaw(port, bytes)))
    got.forEach((a, j) => answers.push({ sent: String(batch[j]).slice(0, 200), status: a.status, body: a.body }))
  }
  return answers
}

const expectNoServerError = (answers: ReadonlyArray<{ readonly sent: string; readonly status: number | undefined; readonly body: string }>) => {
  const serverErrors = answers.filter((a) => a.status !== undefined && a.status >= 500)
  expect(serverErrors.map((a) => `${a.status} for ${JSON.stringify(a.sent)}`)).toEqual([])
  // Most requests are well-formed enough to be answered at all.
  expect(answers.filter((a) => a.status !== undefined).length).toBeGreaterThan(answers.length / 2)
  // The API's own refusals are Binance's {"code", "msg"}.
  for (const a of answers) {
    if (a.status !== 400 || !a.sent.startsWith("GET /api/v3/klines?")) continue
    const error: unknown = JSON.parse(a.body)
    expect(error).toMatchObject({ code: expect.any(Number), msg: expect.any(String) })
  }
}

const portOf = (context: Context.Context<HttpServer.HttpServer>) => {
  const address = Context.get(context, HttpServer.HttpServer).address
  return address._tag === "UnixPathAddress" ? 0 : address.port
}

/** A dashboard of one page: the static files are served from a folder that exists, whatever else the suite has built. */
const dashboard = () => {
  const dir = mkdtempSync(join(tmpdir(), "blockchaincore-fuzz-dashboard-"))
  writeFileSync(join(dir, "index.html"), "<!doctype html><title>dashboard</title>")
  return dir
}

const config = (dataDir: string): LocalRuntimeConfig => ({
  dashboardDir: dashboard(),
  symbols: undefined,
  wsUrl: "ws://unused",
  restUrl: "http://unused",
  replay: { file: sharedFile(RECORDING), speed: undefined },
  dataDir,
  port: 0,
  statusEveryMillis: 3_600_000
})

describeWithSharedData("the local HTTP surface under hostile input", () => {
  it.live('answers every request without a server error before the producer has started, and reads "connecting"', () =>
    Effect.gen(function* () {
      const dir = mkdtempSync(join(tmpdir(), "blockchaincore-fuzz-"))
      yield* Effect.scoped(
        Effect.gen(function* () {
          const port = portOf(yield* Layer.build(localRuntimeBelowProducer(config(dir))))
          const answers = yield* Effect.promise(() => fuzz(port, 11, 150, 30))
          expectNoServerError(answers)
          // A name longer than any file system's: the file system is not asked (it would fail with ENAMETOOLONG).
          for (const length of [256, 4_000]) expect((yield* Effect.promise(() => fetch(`http://127.0.0.1:${port}/${"a".repeat(length)}`))).status).toBe(404)
          expect((yield* Effect.promise(() => fetch(`http://127.0.0.1:${port}/`))).status).toBe(200)
          const health = yield* Effect.promise(() => fetch(`http://127.0.0.1:${port}/health`).then((r) => r.json()))
          expect(Schema.decodeUnknownSync(PipelineHealth)(health).status).toBe("connecting")
          expect((yield* Effect.promise(() => fetch(`http://127.0.0.1:${port}/metrics`))).status).toBe(200)
        })
      )
    })
  )

  it.live("keeps serving the same candles after hostile requests against the running pipeline", () =>
    Effect.gen(function* () {
      const dir = mkdtempSync(join(tmpdir(), "blockchaincore-fuzz-"))
      yield* Effect.scoped(
        Effect.gen(function* () {
          const rt = yield* runLocalRuntime(config(dir))
          yield* rt.queue.until(() => rt.queue.tradesAccepted >= 34_419 && rt.queue.depth === 0, 60_000)
          const served = () => Promise.all(["1m", "5m", "1h"].flatMap((interval) => ["BTCUSDT", "ETHUSDT"].map((symbol) => klines(rt.port, symbol, interval))))
          const before = yield* Effect.promise(served)
          expect(before[0]!.length).toBeGreaterThan(0)
          const answers = yield* Effect.promise(() => fuzz(rt.port, 29, 300, 60))
          expectNoServerError(answers)
          expect(yield* Effect.promise(served)).toEqual(before)
          const health = Schema.decodeUnknownSync(PipelineHealth)(
            yield* Effect.promise(() => fetch(`http://127.0.0.1:${rt.port}/health`).then((r) => r.json()))
          )
          expect(health.symbols.map((s) => s.symbol)).toEqual(["BTCUSDT", "ETHUSDT"])
        })
      )
    })
  )
})
