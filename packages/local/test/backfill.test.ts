/**
 * `blockchaincore backfill`, run as a user runs it, against a stand-in for Binance's public
 * archive on loopback (testkit/src/archiveStandIn.ts) built from the repository's real data: the
 * published klines reproduced, a day also collected live merged trade by trade, and the faults a
 * download meets (a day not published, a connection cut mid-file, bytes that do not match their
 * checksum once or always), with a second run going on from where the first stopped.
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Result } from "effect"
import { afterEach, expect, it } from "vitest"
import { klineRow } from "@blockchaincore/core/candle/KlineCsv"
import { CandleEngine } from "@blockchaincore/core/candle/CandleEngine"
import { decodeArchiveRow, detectArchiveFormat } from "@blockchaincore/binance/archive/ArchiveRow"
import { CandleStore } from "@blockchaincore/core/ports/CandleStore"
import { loadRecording } from "@blockchaincore/replay/Recording"
import { queryArchive } from "../src/duckdb/ArchiveQuery.ts"
import { runLocalRuntime } from "../src/runtime/LocalRuntime.ts"
import { layerSqliteCandleStore } from "../src/sqlite/SqliteCandleStore.ts"
import { csvRows, describeWithSharedData, RECORDING, sharedFile } from "@blockchaincore/testkit/sharedData"
import { runCli } from "@blockchaincore/testkit/cli"
import { klines } from "./support/klines.ts"
import { formatUnits, PRICE_SCALE } from "@blockchaincore/core/decimal/Decimal"
import { type ArchiveFault, dailyPath, type PublicArchiveServer, rawTradeFiles as rawFilesOf, startPublicArchive } from "@blockchaincore/testkit/archiveStandIn"

const servers: Array<PublicArchiveServer> = []
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close()
})
const serve = async (files: ReadonlyMap<string, string>, faults?: ReadonlyMap<string, ArchiveFault>, options?: { readonly http10?: boolean }) => {
  const server = await startPublicArchive(files, faults, options)
  servers.push(server)
  return server
}
const scratch = () => mkdtempSync(join(tmpdir(), "blockchaincore-backfill-"))
const daily = dailyPath

const storedCandles = (dataDir: string, symbol: string, interval: "1m" | "5m", from: number, to: number) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const store = yield* CandleStore
        return yield* store.candles({ symbol, interval, startTime: from, endTime: to, limit: 2000 })
      }).pipe(Effect.provide(layerSqliteCandleStore(join(dataDir, "candles.sqlite"))))
    )
  )

const recordedTrades = () => loadRecording(sharedFile(RECORDING)).map((f) => f.trade)
const rawTradeFiles = (alter?: { readonly symbol: string; readonly id: number; readonly qty: string }) => rawFilesOf(recordedTrades(), alter)

const XRPETH_DAY = Date.UTC(2019, 9, 11)
const xrpethTrades = () => readFileSync(sharedFile("XRPETH-aggTrades-2019-10-11.csv"), "utf8")
const XRPETH_KLINES = "data/spot/daily/klines/XRPETH/1m/XRPETH-1m-2019-10-11.zip"

/**
 * Binance's 1m klines file of XRPETH's day as the archive publishes it beside the trades: its
 * first six columns Binance's own (the repository's file), the other six made from the same trades.
 */
const xrpethKlines = (): string => {
  const lines = xrpethTrades()
    .split("\n")
    .filter((l) => l.length > 0)
  const format = detectArchiveFormat(lines[0]!.split(","))!
  const engine = new CandleEngine({ intervals: ["1m"], graceMillis: 0 })
  for (const line of lines) {
    const row = decodeArchiveRow(format, "XRPETH", line.split(","))
    if (Result.isSuccess(row)) engine.apply(row.success)
  }
  engine.advance("XRPETH", XRPETH_DAY + 86_400_000)
  const made = new Map(engine.drain().flatMap((o) => (o._tag === "CandleClosed" ? [[o.candle.openTime, klineRow(o.candle)] as const] : [])))
  return csvRows("XRPETH-1m-klines-2019-10-11.ohlcv.csv")
    .map((six) => [...six, ...made.get(Number(six[0]))!.slice(6)].join(","))
    .join("\n")
}

describeWithSharedData("backfill from the public archive", () => {
  it("stores XRPETH 2019-10-11 candles equal to Binance's published 1m and 5m klines, every window of the day", async () => {
    const server = await serve(
      new Map([
        [daily("aggTrades", "XRPETH", "2019-10-11"), xrpethTrades()],
        [XRPETH_KLINES, xrpethKlines()]
      ])
    )
    const dir = scratch()
    const run = await runCli(
      "backfill",
      "--symbols",
      "xrpeth",
      "--from",
      "2019-10-11",
      "--to",
      "2019-10-11",
      "--kind",
      "aggTrades",
      "--data-dir",
      dir,
      "--archive-url",
      server.url
    )
    expect(run.stderr + run.stdout).toMatch(/files 1\/1 \(1 loaded/)
    expect(run.code).toBe(0)
    const day = Date.UTC(2019, 9, 11)
    for (const [interval, file] of [
      ["1m", "XRPETH-1m-klines-2019-10-11.ohlcv.csv"],
      ["5m", "XRPETH-5m-klines-2019-10-11.ohlcv.csv"]
    ] as const) {
      const stored = await storedCandles(dir, "XRPETH", interval, day, day + 86_399_999)
      const published = csvRows(file).map((r) => r.join(","))
      expect(stored.map((c) => klineRow(c).slice(0, 6).join(","))).toEqual(published)
      expect(stored.every((c) => c.complete)).toBe(true)
    }
    // The day's candle files, as the archival service writes them for a closed day.
    expect(existsSync(join(dir, "archive/candles/interval=5m/symbol=XRPETH/date=2019-10-11/candles.parquet"))).toBe(true)
  })

  it("takes a trades file shorter than its day as final only up to its last trade, as Binance's klines of the day show", async () => {
    // Published cut at noon: the afternoon's trades are missing, Binance's klines have them.
    const morning = xrpethTrades()
      .split("\n")
      .filter((l) => l.length > 0 && Number(l.split(",")[5]) < XRPETH_DAY + 12 * 3_600_000)
      .join("\n")
    const server = await serve(
      new Map([
        [daily("aggTrades", "XRPETH", "2019-10-11"), morning],
        [XRPETH_KLINES, xrpethKlines()]
      ])
    )
    const dir = scratch()
    const run = await runCli(
      "backfill",
      "--symbols",
      "XRPETH",
      "--from",
      "2019-10-11",
      "--to",
      "2019-10-11",
      "--kind",
      "aggTrades",
      "--data-dir",
      dir,
      "--archive-url",
      server.url
    )
    expect(run.code).toBe(0)
    expect(run.stdout + run.stderr).toMatch(/XRPETH-aggTrades-2019-10-11\.zip: \d+ minutes differ from Binance's 1m klines, the first at 2019-10-11T12:0\dZ?/)
    const stored = await storedCandles(dir, "XRPETH", "1m", XRPETH_DAY, XRPETH_DAY + 86_399_999)
    const lastMorning = Math.max(...stored.filter((c) => c.trades > 0).map((c) => c.openTime))
    expect(stored.filter((c) => c.openTime < lastMorning).every((c) => c.complete)).toBe(true)
    expect(stored.filter((c) => c.openTime >= lastMorning + 60_000).some((c) => c.complete)).toBe(false)
  })

  it("loads exactly from a static HTTP/1.0 server that closes each connection right after its answer, five runs of five", async () => {
    const server = await serve(
      new Map([[daily("aggTrades", "XRPETH", "2019-10-11"), readFileSync(sharedFile("XRPETH-aggTrades-2019-10-11.csv"), "utf8")]]),
      undefined,
      { http10: true }
    )
    const day = Date.UTC(2019, 9, 11)
    const published = csvRows("XRPETH-1m-klines-2019-10-11.ohlcv.csv").map((r) => r.join(","))
    for (let i = 0; i < 5; i++) {
      const dir = scratch()
      const run = await runCli(
        "backfill",
        "--symbols",
        "XRPETH",
        "--from",
        "2019-10-11",
        "--to",
        "2019-10-11",
        "--kind",
        "aggTrades",
        "--data-dir",
        dir,
        "--archive-url",
        server.url
      )
      expect(run.stderr + run.stdout).toMatch(/files 1\/1 \(1 loaded/)
      expect(run.code).toBe(0)
      const stored = await storedCandles(dir, "XRPETH", "1m", day, day + 86_399_999)
      expect(stored.map((c) => klineRow(c).slice(0, 6).join(","))).toEqual(published)
    }
  })

  it("loads a month without its monthly file from its daily files, and names each day missing in both", async () => {
    const server = await serve(new Map([[daily("aggTrades", "XRPETH", "2019-10-11"), readFileSync(sharedFile("XRPETH-aggTrades-2019-10-11.csv"), "utf8")]]))
    const dir = scratch()
    const run = await runCli(
      "backfill",
      "--symbols",
      "XRPETH",
      "--from",
      "2019-10-01",
      "--to",
      "2019-10-31",
      "--kind",
      "aggTrades",
      "--data-dir",
      dir,
      "--archive-url",
      server.url
    )
    const said = run.stdout + run.stderr
    expect(run.code, said).toBe(0)
    expect(said).toMatch(/XRPETH-aggTrades-2019-10\.zip: not published \(yet\); its 31 daily files instead/)
    expect(said).toMatch(/files 31\/31 \(1 loaded, 0 already done, 30 not published, 0 failed\)/)
    expect(said).toContain(
      "backfill asked for aggTrades of XRPETH from 2019-10-01 to 2019-10-31: loaded 1 file(s) now, 0 before; not published: XRPETH-aggTrades-2019-10-01 to 2019-10-10, XRPETH-aggTrades-2019-10-12 to 2019-10-31"
    )
    const day = Date.UTC(2019, 9, 11)
    const stored = await storedCandles(dir, "XRPETH", "1m", day, day + 86_399_999)
    expect(stored.map((c) => klineRow(c).slice(0, 6).join(","))).toEqual(csvRows("XRPETH-1m-klines-2019-10-11.ohlcv.csv").map((r) => r.join(",")))
    // Run again: the month goes on with its days (the loaded one is not loaded twice), and still asks for the monthly file no more.
    const again = await runCli(
      "backfill",
      "--symbols",
      "XRPETH",
      "--from",
      "2019-10-01",
      "--to",
      "2019-10-31",
      "--kind",
      "aggTrades",
      "--data-dir",
      dir,
      "--archive-url",
      server.url
    )
    expect(again.stdout + again.stderr).toMatch(/files 31\/31 \(0 loaded, 1 already done, 30 not published, 0 failed\)/)
    expect(server.requests.filter((p) => p.includes("monthly"))).toHaveLength(1)
  })

  it("names a file Binance re-uploaded since it was loaded (its CHECKSUM changed) and loads it again", async () => {
    const path = daily("aggTrades", "XRPETH", "2019-10-11")
    const original = readFileSync(sharedFile("XRPETH-aggTrades-2019-10-11.csv"), "utf8")
    const [first, ...rest] = original.split("\n")
    const fields = first!.split(",")
    // The fix Binance uploads: the first aggregate's quantity, 1 more.
    const fixed = [[fields[0], fields[1], (Number(fields[2]) + 1).toFixed(8), ...fields.slice(3)].join(","), ...rest].join("\n")
    const dir = scratch()
    const args = (url: string) => [
      "backfill",
      "--symbols",
      "XRPETH",
      "--from",
      "2019-10-11",
      "--to",
      "2019-10-11",
      "--kind",
      "aggTrades",
      "--data-dir",
      dir,
      "--archive-url",
      url
    ]
    const before = await serve(new Map([[path, original]]))
    expect((await runCli(...args(before.url))).code).toBe(0)
    const minute = Number(fields[5]) - (Number(fields[5]) % 60_000)
    const volumeAt = async () => (await storedCandles(dir, "XRPETH", "1m", minute, minute))[0]!.volume
    const volumeBefore = await volumeAt()

    const after = await serve(new Map([[path, fixed]]))
    const again = await runCli(...args(after.url))
    const said = again.stdout + again.stderr
    expect(again.code, said).toBe(0)
    expect(said).toMatch(
      /XRPETH-aggTrades-2019-10-11\.zip: re-uploaded by Binance since it was loaded \(SHA-256 [0-9a-f]{64} is now [0-9a-f]{64}\); loading it again/
    )
    expect(said).toContain(
      "backfill asked for aggTrades of XRPETH from 2019-10-11 to 2019-10-11: loaded 1 file(s) now, 0 before; loaded again, re-uploaded by Binance: XRPETH-aggTrades-2019-10-11"
    )
    expect(await volumeAt()).toBe(volumeBefore + 100_000_000n)

    // Loaded as it now is: the next run finds nothing to do.
    const third = await runCli(...args(after.url))
    expect(third.stdout).toMatch(/files 1\/1 \(0 loaded, 1 already done, 0 not published, 0 failed\)/)
    expect(third.stdout + third.stderr).not.toMatch(/re-uploaded/)
  })

  it("says so, and ends non-zero, when nothing of what was asked is published", async () => {
    const server = await serve(new Map())
    const run = await runCli(
      "backfill",
      "--symbols",
      "XRPETH",
      "--from",
      "2019-10-11",
      "--to",
      "2019-10-12",
      "--kind",
      "aggTrades",
      "--data-dir",
      scratch(),
      "--archive-url",
      server.url
    )
    expect(run.code).toBe(1)
    expect(run.stdout).toContain(
      "backfill asked for aggTrades of XRPETH from 2019-10-11 to 2019-10-12: nothing of it is loaded; not published: XRPETH-aggTrades-2019-10-11 to 2019-10-12"
    )
    expect(run.stderr).toContain(`nothing was loaded: no file of 2019-10-11 to 2019-10-12 is published at ${server.url}`)
  })

  it("merges days collected live: each trade once in SQL, a differing trade reported and the archive's kept, through a missing day, a cut connection and a corrupt download", async () => {
    const dir = scratch()
    // Live first: the runtime replays the recording into the same data directory.
    await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const rt = yield* runLocalRuntime({
            symbols: undefined,
            wsUrl: "ws://unused",
            restUrl: "http://unused",
            replay: { file: sharedFile(RECORDING), speed: undefined },
            dataDir: dir,
            port: 0
          })
          yield* rt.queue.until(() => rt.queue.tradesAccepted >= 34_419 && rt.queue.depth === 0, 60_000)
        })
      )
    )
    const first = loadRecording(sharedFile(RECORDING)).find((f) => f.trade.symbol === "BTCUSDT")!.trade
    const files = rawTradeFiles({ symbol: "BTCUSDT", id: first.firstId, qty: "7.00000000" })
    const btcFirstDay = daily("trades", "BTCUSDT", "2024-08-08")
    const ethSecondDay = daily("trades", "ETHUSDT", "2024-08-09")
    const server = await serve(
      files,
      new Map([
        [btcFirstDay, { cutAfter: 5_000 }],
        [ethSecondDay, { corruptTimes: 1 }]
      ])
    )
    const run = await runCli(
      "backfill",
      "--symbols",
      "BTCUSDT,ETHUSDT",
      "--from",
      "2024-08-07",
      "--to",
      "2024-08-09",
      "--data-dir",
      dir,
      "--archive-url",
      server.url
    )
    const said = run.stdout + run.stderr
    expect(run.code).toBe(0)
    expect(said).toMatch(/BTCUSDT-trades-2024-08-07\.zip: not published/)
    expect(said).toMatch(/files 6\/6 \(4 loaded, 0 already done, 2 not published, 0 failed\)/)
    expect(said).toMatch(/differed from live \(archive kept\)/)
    expect(said).toMatch(/BTCUSDT 1m 2024-08-08T23:54:00\.000Z: the store had .* the archive says/)
    // The cut download resumed where it stopped; the corrupt one was fetched again.
    expect(server.requests.filter((p) => p === btcFirstDay)).toHaveLength(2)
    expect(server.requests.filter((p) => p === ethSecondDay)).toHaveLength(2)

    const counts = await Effect.runPromise(queryArchive(dir, "SELECT count(*) AS n, count(DISTINCT symbol || ':' || trade_id) AS d FROM trades"))
    expect(counts.rows).toEqual([["34419", "34419"]])
    const altered = await Effect.runPromise(queryArchive(dir, `SELECT qty FROM trades WHERE symbol = 'BTCUSDT' AND trade_id = ${first.firstId}`))
    expect(altered.rows).toEqual([["7.00000000"]])

    // The runtime started again on the same directory serves the backfilled period as klines: the
    // rest of 2024-08-09, which the live recording never reached, each window complete.
    const noon = Date.UTC(2024, 7, 9, 12)
    const served = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const rt = yield* runLocalRuntime({
            symbols: undefined,
            wsUrl: "ws://unused",
            restUrl: "http://unused",
            replay: { file: sharedFile(RECORDING), speed: undefined },
            dataDir: dir,
            port: 0
          })
          return yield* Effect.promise(() => klines(rt.port, "ETHUSDT", "1h", noon))
        })
      )
    )
    const lastEth = loadRecording(sharedFile(RECORDING))
      .filter((f) => f.trade.symbol === "ETHUSDT")
      .at(-1)!.trade
    expect(served.map((k) => [k[0], k[4], k[5], k[8]])).toEqual(
      Array.from({ length: 12 }, (_, i) => [noon + i * 3_600_000, formatUnits(lastEth.price, PRICE_SCALE, 8), "0.00000000", 0])
    )
  })

  it("fails a file whose bytes never match its checksum, naming both digests, goes on with the others, and a second run loads only that file", async () => {
    const files = rawTradeFiles()
    const broken = daily("trades", "ETHUSDT", "2024-08-08")
    const dir = scratch()
    const bad = await serve(files, new Map([[broken, { corruptTimes: Infinity }]]))
    const first = await runCli(
      "backfill",
      "--symbols",
      "BTCUSDT,ETHUSDT",
      "--from",
      "2024-08-08",
      "--to",
      "2024-08-09",
      "--data-dir",
      dir,
      "--archive-url",
      bad.url,
      "--tries",
      "2"
    )
    expect(first.code).toBe(1)
    expect(first.stdout + first.stderr).toMatch(/ETHUSDT-trades-2024-08-08\.zip: SHA-256 [0-9a-f]{64} is not the published [0-9a-f]{64}/)
    expect(first.stdout + first.stderr).toMatch(/Run the same command again to retry them/)
    const good = await serve(files)
    const second = await runCli(
      "backfill",
      "--symbols",
      "BTCUSDT,ETHUSDT",
      "--from",
      "2024-08-08",
      "--to",
      "2024-08-09",
      "--data-dir",
      dir,
      "--archive-url",
      good.url
    )
    expect(second.code).toBe(0)
    expect(second.stdout).toMatch(/files 4\/4 \(1 loaded, 3 already done, 0 not published, 0 failed\)/)
    expect(good.requests.filter((p) => p.endsWith(".zip"))).toEqual([broken])
    const counts = await Effect.runPromise(queryArchive(dir, "SELECT count(*) AS n FROM trades"))
    expect(counts.rows).toEqual([["34419"]])
  })
})

it("names --from as the problem when it is after the last day published, and --to only when it was given", async () => {
  const ahead = await runCli("backfill", "--symbols", "BTC/USDT", "--from", "2099-01-01", "--data-dir", scratch())
  expect(ahead.code).toBe(1)
  expect(ahead.stderr).toMatch(/--from 2099-01-01 is after \d{4}-\d{2}-\d{2}, the last day the archive has published \(yesterday\)/)
  expect(ahead.stderr).not.toMatch(/--to/)
  const reversed = await runCli("backfill", "--symbols", "BTCUSDT", "--from", "2024-01-02", "--to", "2024-01-01", "--data-dir", scratch())
  expect(reversed.code).toBe(1)
  expect(reversed.stderr).toMatch(/--to 2024-01-01 is before --from 2024-01-02/)
})
