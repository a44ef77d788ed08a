/**
 * The backfill task as the producer's image holds it: `backfill.mjs`, bundled by build.ts and copied
 * alone into an empty directory, run with Node as the container would, its links as SST sets them:
 * from a loopback stand-in for Binance's public archive into the candle table (dynalite), the
 * archive bucket's staging and ledger (s3rver), and the bus (a loopback EventBridge endpoint,
 * which has no emulator), which gets each file's hours and days as `CandleRevised` for the
 * archival function. Run again, it loads nothing twice.
 */
import { spawn } from "node:child_process"
import { copyFileSync, mkdtempSync } from "node:fs"
import { createServer, type Server } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3"
import { Effect } from "effect"
import { afterAll, beforeAll, expect, it } from "vitest"
import { klineRow } from "@blockchaincore/core/candle/KlineCsv"
import { type PublicArchiveServer, rawTradeFiles, startPublicArchive } from "@blockchaincore/testkit/archiveStandIn"
import { csvRows, describeWithSharedData, RECORDING, sharedFile } from "@blockchaincore/testkit/sharedData"
import { readFileSync, writeFileSync } from "node:fs"
import { DuckDBInstance } from "@duckdb/node-api"
import { loadRecording } from "@blockchaincore/replay/Recording"
import { layerS3TradeArchive } from "../src/s3/S3TradeArchive.ts"
import { makeS3TradeStaging } from "../src/s3/S3TradeStaging.ts"
import { TradeArchive } from "@blockchaincore/core/ports/TradeArchive"
import { buildProducer } from "../build.ts"
import { makeDynamoCandleStore } from "../src/dynamodb/DynamoCandleStore.ts"
import { CANDLES_TABLE, STATE_TABLE, tablesNamed } from "../src/dynamodb/Tables.ts"
import { linkedResources, portOf, startDynalite, startS3rver } from "@blockchaincore/testkit/awsStandIns"

const recorded = () => loadRecording(sharedFile(RECORDING)).map((f) => f.trade)

let image: string
let dynamo: Awaited<ReturnType<typeof startDynalite>>
let s3: Awaited<ReturnType<typeof startS3rver>>
let archive: PublicArchiveServer
let eventBridge: Server
let eventBridgeUrl: string
const putEvents: Array<{ readonly DetailType: string; readonly Detail: string }> = []

beforeAll(async () => {
  const out = mkdtempSync(join(tmpdir(), "backfill-build-"))
  await buildProducer(out)
  image = mkdtempSync(join(tmpdir(), "backfill-image-"))
  copyFileSync(join(out, "backfill.mjs"), join(image, "backfill.mjs"))
  dynamo = await startDynalite(tablesNamed({ candles: CANDLES_TABLE, state: STATE_TABLE }))
  s3 = await startS3rver("archive")
  archive = await startPublicArchive(
    new Map([
      ["data/spot/daily/aggTrades/XRPETH/XRPETH-aggTrades-2019-10-11.zip", readFileSync(sharedFile("XRPETH-aggTrades-2019-10-11.csv"), "utf8")],
      ...rawTradeFiles(recorded())
    ])
  )
  eventBridge = createServer((req, res) => {
    let body = ""
    req.on("data", (c) => (body += String(c)))
    req.on("end", () => {
      const request = JSON.parse(body) as { Entries: Array<{ DetailType: string; Detail: string }> }
      putEvents.push(...request.Entries)
      res.writeHead(200, { "content-type": "application/x-amz-json-1.1" })
      res.end(JSON.stringify({ FailedEntryCount: 0, Entries: request.Entries.map((_, i) => ({ EventId: `e${putEvents.length + i}` })) }))
    })
  })
  await new Promise<void>((resolve) => eventBridge.listen(0, "127.0.0.1", resolve))
  eventBridgeUrl = `http://127.0.0.1:${portOf(eventBridge.address())}`
}, 120_000)

afterAll(async () => {
  await archive.close()
  await s3.close()
  await dynamo.close()
  await new Promise<void>((resolve) => eventBridge.close(() => resolve()))
})

const runTask = (env: Readonly<Record<string, string>>) =>
  new Promise<{ code: number | null; output: string }>((done) => {
    const child = spawn(process.execPath, ["backfill.mjs"], {
      cwd: image,
      env: {
        PATH: process.env["PATH"] ?? "",
        ...linkedResources(),
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "S3RVER",
        AWS_SECRET_ACCESS_KEY: "S3RVER",
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        AWS_S3_FORCE_PATH_STYLE: "true",
        AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridgeUrl,
        BACKFILL_DOWNLOAD_DIR: join(image, "downloads"),
        ...env
      },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let output = ""
    child.stdout.on("data", (c) => (output += String(c)))
    child.stderr.on("data", (c) => (output += String(c)))
    // Bounded: a stuck task fails the test instead of holding it.
    const limit = setTimeout(() => child.kill("SIGKILL"), 60_000)
    child.on("exit", (code) => {
      clearTimeout(limit)
      done({ code, output })
    })
  })

describeWithSharedData("the backfill task", () => {
  it("refuses a wrong environment at once, naming the variable", async () => {
    const run = await runTask({ BACKFILL_SYMBOLS: "XRPETH", BACKFILL_FROM: "2019-10-11", BACKFILL_TO: "2019-10-10" })
    expect(run.code).not.toBe(0)
    expect(run.output).toMatch(/BACKFILL_TO 2019-10-10 is before BACKFILL_FROM 2019-10-11/)
  })

  it("loads a day into the candle table and hands its days to the archival function over the bus, once", async () => {
    const env = {
      BACKFILL_SYMBOLS: "XRPETH",
      BACKFILL_FROM: "2019-10-11",
      BACKFILL_TO: "2019-10-11",
      BACKFILL_KIND: "aggTrades",
      BACKFILL_ARCHIVE_URL: archive.url
    }
    const first = await runTask(env)
    expect(first.code, first.output).toBe(0)
    expect(first.output).toMatch(/files 1\/1 \(1 loaded/)

    const store = makeDynamoCandleStore({ client: dynamo.client, candlesTable: "candles" })
    const day = Date.UTC(2019, 9, 11)
    const stored = await Effect.runPromise(store.candles({ symbol: "XRPETH", interval: "5m", startTime: day, endTime: day + 86_399_999, limit: 1000 }))
    expect(stored.map((c) => klineRow(c).slice(0, 6).join(","))).toEqual(csvRows("XRPETH-5m-klines-2019-10-11.ohlcv.csv").map((r) => r.join(",")))
    // aggTrades give candles only: the day's 1d revision goes to the archival function, no hour's.
    expect(putEvents.map((e) => [e.DetailType, (JSON.parse(e.Detail) as { candle: { interval: string } }).candle.interval])).toEqual([["CandleRevised", "1d"]])
    const ledger = await s3.client.send(new ListObjectsV2Command({ Bucket: "archive", Prefix: "backfill/done/" }))
    expect(ledger.Contents?.map((o) => o.Key)).toEqual(["backfill/done/XRPETH-aggTrades-2019-10-11.zip.json"])

    const again = await runTask(env)
    expect(again.code, again.output).toBe(0)
    expect(again.output).toMatch(/files 1\/1 \(0 loaded, 1 already done/)
    expect(putEvents).toHaveLength(1)
  }, 90_000)

  it("stages raw trades beside the live ones, and the archival function's compaction of the hours it is handed keeps each trade once: one answer for Athena", async () => {
    const hour = Date.UTC(2024, 7, 8, 23)
    const live = recorded().filter((t) => t.symbol === "BTCUSDT" && t.time < hour + 3_600_000)
    // Live, the processor staged the first half of the hour's trades.
    await Effect.runPromise(
      makeS3TradeStaging({ client: s3.client, bucket: "archive" }).stage(live.slice(0, live.length >> 1).map((t) => ({ ...t, large: false })))
    )
    putEvents.length = 0
    const run = await runTask({ BACKFILL_SYMBOLS: "BTCUSDT", BACKFILL_FROM: "2024-08-08", BACKFILL_TO: "2024-08-08", BACKFILL_ARCHIVE_URL: archive.url })
    expect(run.code, run.output).toBe(0)
    const handed = putEvents.map((e) => (JSON.parse(e.Detail) as { candle: { interval: string; openTime: number; symbol: string } }).candle)
    expect(handed.map((c) => [c.symbol, c.interval, c.openTime])).toEqual([
      ["BTCUSDT", "1h", hour],
      ["BTCUSDT", "1d", Date.UTC(2024, 7, 8)]
    ])
    // What the archival function does with the 1h revision.
    await Effect.runPromise(
      Effect.gen(function* () {
        const archive = yield* TradeArchive
        yield* archive.compactHour("BTCUSDT", hour)
      }).pipe(Effect.provide(layerS3TradeArchive({ client: s3.client, bucket: "archive" })))
    )
    const object = await s3.client.send(
      new GetObjectCommand({ Bucket: "archive", Key: "archive/trades/symbol=BTCUSDT/date=2024-08-08/hour=23/trades.parquet" })
    )
    const file = join(mkdtempSync(join(tmpdir(), "backfill-parquet-")), "trades.parquet")
    writeFileSync(file, (await object.Body?.transformToByteArray()) ?? new Uint8Array())
    const connection = await (await DuckDBInstance.create(":memory:")).connect()
    const rows = (await connection.runAndReadAll(`SELECT count(*) AS n, count(DISTINCT trade_id) AS ids FROM read_parquet('${file}')`)).getRowObjectsJson()
    connection.closeSync()
    expect(rows).toEqual([{ n: String(live.length), ids: String(live.length) }])
  }, 90_000)
})
