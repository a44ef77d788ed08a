/**
 * The one outbound client against the peers that broke Node's bundled `fetch`: a server that
 * answers as HTTP/1.0 servers do (the whole answer, then FIN at once) while the reader is slower
 * than the socket, one that FINs mid-body, one that never answers, and error statuses. Each
 * caller (the archive download, Binance REST for the gap fill and the warm start, the webhook)
 * completes or fails with its own error after its retries; the test process itself never ends,
 * which a crash in the client (nodejs/undici#5360) would do.
 */
import { mkdtempSync, readFileSync, readdirSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, relative, resolve } from "node:path"
import { randomBytes, createHash } from "node:crypto"
import { afterEach, describe, expect, it } from "vitest"
import { Cause, Effect, Exit, Stream } from "effect"
import { HttpClient } from "effect/http"
import { archiveFiles } from "@blockchaincore/binance/archive/PublicArchive"
import { formatUnits, PRICE_SCALE } from "@blockchaincore/core/decimal/Decimal"
import { dailyPath } from "@blockchaincore/testkit/archiveStandIn"
import { type Http10Peer, type PeerAnswer, type PeerRequest, startHttp10Peer } from "@blockchaincore/testkit/http10Peer"
import { makeWebhookNotifier } from "@blockchaincore/adapters/webhook/WebhookNotifier"
import { downloadArchiveFile } from "@blockchaincore/binance/archive/ArchiveDownload"
import { DEFAULT_REST, makeBinanceRest, RestError } from "@blockchaincore/binance/rest/BinanceRest"
import { fillGap } from "../src/gaps/GapFiller.ts"
import { OutboundHttp } from "@blockchaincore/adapters/http/OutboundHttp"

const RUNS = 20
const peers: Array<Http10Peer> = []
afterEach(async () => {
  for (const p of peers.splice(0)) await p.close()
})
const peer = async (route: (request: PeerRequest) => PeerAnswer) => {
  const p = await startHttp10Peer(route)
  peers.push(p)
  return p
}
const run = <A, E>(effect: Effect.Effect<A, E, HttpClient.HttpClient>) => Effect.runPromiseExit(effect.pipe(Effect.provide(OutboundHttp)))

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")

describe("the outbound client against an HTTP/1.0 peer that closes right after answering", () => {
  it(`reads a 6 MB body to its last byte with a reader slower than the socket, ${RUNS} runs of ${RUNS}`, async () => {
    const body = randomBytes(6_000_000)
    const server = await peer(() => ({ status: 200, body }))
    for (let i = 0; i < RUNS; i++) {
      const exit = await run(
        Effect.gen(function* () {
          const response = yield* HttpClient.get(server.url)
          const chunks: Array<Uint8Array> = []
          // A millisecond per chunk: the socket's bytes and its FIN arrive long before they are read.
          yield* response.stream.pipe(Stream.runForEach((chunk) => Effect.sleep(1).pipe(Effect.andThen(Effect.sync(() => chunks.push(chunk))))))
          return sha256(Buffer.concat(chunks))
        })
      )
      expect(exit).toEqual(Exit.succeed(sha256(body)))
    }
  })

  it(`downloads and verifies an archive file of 5 MB, ${RUNS} runs of ${RUNS}`, async () => {
    const file = archiveFiles("BTCUSDT", "trades", "2024-08-08", "2024-08-08")[0]!
    const zip = randomBytes(5_000_000)
    const server = await peer((request) =>
      request.path.endsWith(".CHECKSUM")
        ? { status: 200, body: `${sha256(zip)}  ${file.name}\n` }
        : request.path === `/${dailyPath("trades", "BTCUSDT", "2024-08-08")}`
          ? { status: 200, body: zip }
          : { status: 404 }
    )
    for (let i = 0; i < RUNS; i++) {
      const dir = mkdtempSync(join(tmpdir(), "outbound-download-"))
      const exit = await run(downloadArchiveFile(file, { baseUrl: server.url, dir, tries: 2 }))
      expect(Exit.isSuccess(exit)).toBe(true)
      if (Exit.isSuccess(exit)) expect(sha256(readFileSync(exit.value.path))).toBe(sha256(zip))
    }
  })

  it(`gets Binance REST answers (historicalTrades for a gap, klines for a warm start), ${RUNS} runs of ${RUNS}`, async () => {
    const trades = Array.from({ length: 1000 }, (_, i) => ({
      id: 1000 + i,
      price: formatUnits(6_168_599_000_000n + BigInt(i), PRICE_SCALE, 8),
      qty: "0.00100000",
      quoteQty: "61.68599000",
      time: 1_723_161_255_000 + i,
      isBuyerMaker: i % 2 === 0,
      isBestMatch: true
    }))
    const klines = Array.from({ length: 61 }, (_, i) => [
      1_723_161_240_000 + i * 60_000,
      "61685.99000000",
      "61700.00000000",
      "61600.00000000",
      "61650.00000000",
      "1.50000000",
      1_723_161_299_999 + i * 60_000,
      "92528.98500000",
      12,
      "0.70000000",
      "43180.00000000",
      "0"
    ])
    const server = await peer((request) => ({
      status: 200,
      headers: { "x-mbx-used-weight-1m": "30" },
      body: JSON.stringify(request.path.startsWith("/api/v3/klines") ? klines : trades)
    }))
    for (let i = 0; i < RUNS; i++) {
      const exit = await run(
        Effect.gen(function* () {
          const rest = yield* makeBinanceRest({ ...DEFAULT_REST, baseUrl: server.url, maxAttempts: 1 })
          const got = yield* rest.historicalTrades("BTCUSDT", 1000, 1000)
          const candles = yield* rest.klines("BTCUSDT", "1m", 61)
          return { trades: got.length, last: got.at(-1)?.price, candles: candles.length, close: candles[0]?.close }
        })
      )
      expect(exit).toEqual(Exit.succeed({ trades: 1000, last: 6_168_599_000_999n, candles: 61, close: 6_165_000_000_000n }))
    }
  })

  it(`fills a gap of 2,500 trade ids, three pages, ${RUNS} runs of ${RUNS}`, async () => {
    const server = await peer((request) => {
      const url = new URL(request.path, "http://x")
      const from = Number(url.searchParams.get("fromId"))
      const limit = Number(url.searchParams.get("limit"))
      const page = Array.from({ length: limit }, (_, i) => ({
        id: from + i,
        price: "61685.99000000",
        qty: "0.00100000",
        quoteQty: "61.68599000",
        time: 1_723_161_255_000 + from + i,
        isBuyerMaker: false,
        isBestMatch: true
      }))
      return { status: 200, body: JSON.stringify(page) }
    })
    for (let i = 0; i < RUNS; i++) {
      const exit = await run(
        Effect.gen(function* () {
          const rest = yield* makeBinanceRest({ ...DEFAULT_REST, baseUrl: server.url, maxAttempts: 1 })
          const fill = yield* fillGap(rest, { symbol: "BTCUSDT", fromId: 10_000, toId: 12_499, fromTime: 0, toTime: 0 })
          return { missing: fill.missing, trades: fill.trades.length, ids: fill.trades.every((t, k) => t.firstId === 10_000 + k) }
        })
      )
      expect(exit).toEqual(Exit.succeed({ missing: undefined, trades: 2_500, ids: true }))
    }
  })

  it(`posts to a webhook and reads its answer, ${RUNS} runs of ${RUNS}`, async () => {
    const server = await peer(() => ({ status: 200, body: "ok" }))
    for (let i = 0; i < RUNS; i++) {
      const exit = await run(
        Effect.flatMap(makeWebhookNotifier(server.url), (webhook) => webhook.notify({ subject: "BTCUSDT 1h", body: `close 61685.99 (${i})`, severity: "high" }))
      )
      expect(Exit.isSuccess(exit)).toBe(true)
    }
    expect(server.requests).toHaveLength(RUNS)
    expect(JSON.parse(server.requests[0]!.body)).toEqual({ text: "*BTCUSDT 1h*\nclose 61685.99 (0)", content: "*BTCUSDT 1h*\nclose 61685.99 (0)" })
  })
})

describe("the outbound client and redirects", () => {
  it("follows a redirect, as fetch did: a webhook moved, an archive behind a mirror", async () => {
    const server = await peer((request) =>
      request.path === "/old" ? { status: 302, headers: { location: "/new" } } : { status: 200, body: `at ${request.path}` }
    )
    const exit = await run(Effect.flatMap(HttpClient.get(`${server.url}/old`), (response) => response.text))
    expect(exit).toEqual(Exit.succeed("at /new"))
  })
})

describe("the outbound client against peers that fail", () => {
  const faults = [
    ["FINs mid-body", { status: 200, body: "x".repeat(200_000), behaviour: "finMidBody" }],
    ["never answers", { status: 200, behaviour: "silent" }],
    ["answers 500", { status: 500, body: "{}" }]
  ] as const

  for (const [what, answer] of faults) {
    it(`Binance REST retries a peer that ${what}, then fails with a RestError naming the URL`, async () => {
      const server = await peer(() => answer)
      const exit = await run(
        Effect.gen(function* () {
          const rest = yield* makeBinanceRest({ ...DEFAULT_REST, baseUrl: server.url, maxAttempts: 2, timeoutMillis: 300 })
          return yield* rest.historicalTrades("BTCUSDT", 1, 10)
        })
      )
      const error = Exit.isFailure(exit) ? Cause.squash(exit.cause) : undefined
      expect(error).toBeInstanceOf(RestError)
      expect(error instanceof RestError ? error.url : "").toBe(`${server.url}/api/v3/historicalTrades?symbol=BTCUSDT&fromId=1&limit=10`)
      // A 500 is an answer, not a broken network: it is not repeated.
      expect(server.requests).toHaveLength(answer.status === 500 ? 1 : 2)
    })

    it(`the webhook fails with NotifyFailed on a peer that ${what} (the consumer's retry takes it from there)`, async () => {
      const server = await peer(() => answer)
      const exit = await run(Effect.flatMap(makeWebhookNotifier(server.url, 300), (webhook) => webhook.notify({ subject: "s", body: "b", severity: "high" })))
      expect(Exit.isFailure(exit)).toBe(true)
      expect(String(Exit.isFailure(exit) ? exit.cause : "")).toMatch(/NotifyFailed/)
    })
  }

  it("the archive download retries a peer that FINs mid-file and fails naming the file", async () => {
    const file = archiveFiles("BTCUSDT", "trades", "2024-08-08", "2024-08-08")[0]!
    const zip = randomBytes(400_000)
    const server = await peer((request) =>
      request.path.endsWith(".CHECKSUM") ? { status: 200, body: `${sha256(zip)}  ${file.name}\n` } : { status: 200, body: zip, behaviour: "finMidBody" }
    )
    const exit = await run(downloadArchiveFile(file, { baseUrl: server.url, dir: mkdtempSync(join(tmpdir(), "outbound-download-")), tries: 2 }))
    expect(Exit.isFailure(exit)).toBe(true)
    expect(String(Exit.isFailure(exit) ? exit.cause : "")).toContain(file.name)
  })
})

describe("production code", () => {
  it("calls out only through the one client: no `fetch(` and no FetchHttpClient outside the browser's dashboard", () => {
    const root = resolve(import.meta.dirname, "../../..")
    const sources = (dir: string): Array<string> =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name)
        if (name === "node_modules" || name === "test" || name === "dist" || name.startsWith(".")) return []
        if (statSync(path).isDirectory()) return sources(path)
        return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : []
      })
    const files = [...sources(join(root, "packages")), ...sources(join(root, "scripts")), ...sources(join(root, "stacks")), join(root, "sst.config.ts")]
    expect(files.length).toBeGreaterThan(100)
    const offenders = files.flatMap((path) => {
      const code = readFileSync(path, "utf8")
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/\/\/.*$/gm, "")
      const rel = relative(root, path)
      const browser = rel.startsWith(join("packages", "web", "src"))
      return /\bfetch\(/.test(code) || (!browser && /FetchHttpClient/.test(code)) ? [rel] : []
    })
    expect(offenders).toEqual([])
  })
})
