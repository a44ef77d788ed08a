/**
 * The Lambda handlers as deployed, fed real-shaped events: an SQS batch as the pipe hands it to
 * the enrichment, the enrichment's answer as the pipe hands it to the processor, EventBridge
 * events to a consumer, function URL requests to the API. DynamoDB is dynalite and S3 is s3rver
 * (both real, over HTTP); EventBridge, which cannot run here, is a wire fake that records
 * PutEvents. The handlers find them through the SDK's standard endpoint variables and SST's
 * linked-resource variables, exactly as in Lambda.
 */
import { createHash } from "node:crypto"
import { createServer, type Server } from "node:http"
import { gunzipSync, gzipSync } from "node:zlib"
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3"
import fc from "fast-check"
import { Effect, Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { DomainEvent } from "@blockchaincore/core/events/DomainEvent"
import type { TradeBatch } from "@blockchaincore/core/trade/TradeBatch"
import { REGISTRY } from "@blockchaincore/services/consumers/ConsumerRegistry"
import { makeDynamoCandleStore } from "../src/dynamodb/DynamoCandleStore.ts"
import { ALERT_CONDITIONS_TABLE, CANDLES_TABLE, HISTORY_TABLE, STATE_TABLE, tablesNamed } from "../src/dynamodb/Tables.ts"
import { encodeMessageBody } from "../src/sqs/MessageBody.ts"
import { linkedResources, portOf, startDynalite, startS3rver } from "@blockchaincore/testkit/awsStandIns"
import { json, startWireFake } from "@blockchaincore/testkit/wireFake"

const T0 = Date.UTC(2024, 7, 8, 23, 54)
const PutEvents = Schema.fromJsonString(Schema.Struct({ Entries: Schema.Array(Schema.Struct({ DetailType: Schema.String, Detail: Schema.String })) }))

let dynamo: Awaited<ReturnType<typeof startDynalite>>
let s3: Awaited<ReturnType<typeof startS3rver>>
let eventBridge: Awaited<ReturnType<typeof startWireFake>>
/** While set, PutEvents fails every entry of this symbol (an outage seen by one shard's events). */
let failSymbol: string | undefined
const published: Array<DomainEvent> = []
/** Binance on loopback, answering exchangeInfo with a tick size of its own (0.5) and recording what it was asked. */
let binance: Server
const binanceAsked: Array<string> = []
const EXCHANGE_INFO = {
  symbols: ["BTCUSDT", "ETHUSDT"].map((symbol) => ({
    symbol,
    baseAsset: symbol.slice(0, 3),
    quoteAsset: "USDT",
    filters: [
      { filterType: "PRICE_FILTER", tickSize: "0.50000000" },
      { filterType: "LOT_SIZE", stepSize: "0.00001000" }
    ]
  }))
}

beforeAll(async () => {
  dynamo = await startDynalite(tablesNamed({ candles: CANDLES_TABLE, state: STATE_TABLE, conditions: ALERT_CONDITIONS_TABLE, history: HISTORY_TABLE }))
  s3 = await startS3rver("archive")
  eventBridge = await startWireFake((request) => {
    const entries = Schema.decodeUnknownSync(PutEvents)(request.body).Entries
    const failing = entries.map((e) => failSymbol !== undefined && e.Detail.includes(`"symbol":"${failSymbol}"`))
    entries.forEach((e, i) => {
      if (!failing[i]) published.push(Schema.decodeUnknownSync(DomainEvent)(JSON.parse(e.Detail)))
    })
    return json({
      FailedEntryCount: failing.filter(Boolean).length,
      Entries: failing.map((f, i) => (f ? { ErrorCode: "InternalFailure", ErrorMessage: "down" } : { EventId: `e${i}` }))
    })
  })
  binance = createServer((req, res) => {
    binanceAsked.push(req.url ?? "")
    res.writeHead(200, { "content-type": "application/json" })
    res.end(JSON.stringify(EXCHANGE_INFO))
  })
  await new Promise<void>((listening) => binance.listen(0, "127.0.0.1", listening))
  Object.assign(process.env, {
    // As the stack sets them: the stage's symbols, whose instruments the enrichment asks for at its cold start.
    SYMBOLS: "BTCUSDT,ETHUSDT",
    BINANCE_REST_URL: `http://127.0.0.1:${portOf(binance.address())}`,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridge.endpoint,
    ...linkedResources(),
    CONSUMER: "anomaly"
  })
})
afterAll(async () => {
  await Promise.all([dynamo.close(), s3.close(), eventBridge.close(), new Promise((closed) => binance.close(closed))])
})

/** `minutes` of one trade every 10 s, ids from `firstId`, stream time advanced to `until`. */
const batchOf = (symbol: string, shard: number, firstId: number, from: number, count: number, until: number): TradeBatch => ({
  shard,
  epoch: 1,
  symbols: [
    {
      symbol,
      watermark: until,
      trades: Array.from(
        { length: count },
        (_, i) => [firstId + i, 6_183_763_000_000n + BigInt(i) * 1_000_000n, 2_000_000n + BigInt(i), from + i * 10_000, i % 2 === 0] as const
      )
    }
  ]
})

/** An SQS record exactly as an EventBridge Pipe hands it to its enrichment. */
const sqsRecord = (messageId: string, group: string, body: string) => ({
  messageId,
  receiptHandle: `AQEB${messageId}`,
  body,
  attributes: {
    ApproximateReceiveCount: "1",
    SentTimestamp: String(T0),
    SequenceNumber: "18849496460467696128",
    MessageGroupId: group,
    SenderId: "AIDAEXAMPLE",
    MessageDeduplicationId: createHash("sha256").update(body).digest("hex"),
    ApproximateFirstReceiveTimestamp: String(T0)
  },
  messageAttributes: {},
  md5OfBody: createHash("md5").update(body).digest("hex"),
  eventSource: "aws:sqs",
  eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:blockchaincore-test-Trades.fifo",
  awsRegion: "us-east-1"
})

const handlers = async () => ({
  enrichment: (await import("../src/handlers/enrichment.ts")).handler,
  processor: (await import("../src/handlers/processor.ts")).handler,
  consumer: (await import("../src/handlers/consumer.ts")).handler,
  api: (await import("../src/handlers/api.ts")).handler
})

const stored = (symbol: string) =>
  Effect.runPromise(makeDynamoCandleStore({ client: dynamo.client, candlesTable: "candles" }).candles({ symbol, interval: "1m", limit: 100 }))

describe("Lambda handlers", () => {
  it("pipe: enrichment then processor; a malformed message fails alone, its neighbours are stored", async () => {
    const { enrichment, processor } = await handlers()
    const records = [
      sqsRecord("m1", "shard-0", encodeMessageBody(batchOf("BTCUSDT", 0, 100, T0, 12, T0 + 2 * 60_000 + 1_000))),
      sqsRecord(
        "m2",
        "shard-0",
        `gz:${gzipSync(`{"shard":0,"epoch":1,"symbols":[{"symbol":"BTCUSDT","watermark":1,"trades":[[1,"oops"]]}]}`).toString("base64")}`
      ),
      sqsRecord("m3", "shard-1", encodeMessageBody(batchOf("ETHUSDT", 1, 500, T0, 12, T0 + 2 * 60_000 + 1_000)))
    ]
    const items = await enrichment(records)
    expect(items).toHaveLength(3)
    // The instruments are Binance's answer at the cold start, not the bundled excerpt's.
    expect(binanceAsked).toEqual([`/api/v3/exchangeInfo?symbols=${encodeURIComponent('["BTCUSDT","ETHUSDT"]')}&showPermissionSets=false`])
    expect(items[0]).toMatchObject({ enriched: { instruments: [{ symbol: "BTCUSDT", tickSize: "0.50000000" }] } })
    expect(items[1]).toMatchObject({ messageId: "m2", group: "shard-0", malformed: expect.stringMatching(/m2.*not a TradeBatch.*trades/) })
    const report = await processor(items)
    expect(report).toEqual({ batchItemFailures: [{ itemIdentifier: "m2" }] })
    expect((await stored("BTCUSDT")).map((c) => [c.openTime, c.trades])).toEqual([
      [T0, 6],
      [T0 + 60_000, 6]
    ])
    expect((await stored("ETHUSDT")).map((c) => c.trades)).toEqual([6, 6])
    expect(
      published.flatMap((e) => (e._tag === "CandleClosed" && e.candle.interval === "1m" ? [`${e.candle.symbol} ${e.candle.openTime - T0}`] : [])).sort()
    ).toEqual(["BTCUSDT 0", "BTCUSDT 60000", "ETHUSDT 0", "ETHUSDT 60000"])
    // One staging object for the invocation, holding both symbols' trades, and naming them.
    const staged = await s3.client.send(new ListObjectsV2Command({ Bucket: "archive", Prefix: "staging/" }))
    expect(staged.Contents?.map((o) => o.Key)).toEqual([
      expect.stringMatching(new RegExp(`^staging/trades/hour=${T0 - (T0 % 3_600_000)}/[0-9a-f]{32}\\.BTCUSDT~ETHUSDT\\.csv\\.gz$`))
    ])
    const object = await s3.client.send(new GetObjectCommand({ Bucket: "archive", Key: staged.Contents?.[0]?.Key ?? "" }))
    const lines = gunzipSync((await object.Body?.transformToByteArray()) ?? new Uint8Array())
      .toString("utf8")
      .split("\n")
    expect(lines.map((l) => l.split(",")[0])).toEqual([...Array(12).fill("BTCUSDT"), ...Array(12).fill("ETHUSDT")])

    // The same batch again (SQS delivers at least once): nothing changes.
    const again = await processor(await enrichment(records.slice(0, 1)))
    expect(again.batchItemFailures).toEqual([])
    expect((await stored("BTCUSDT")).map((c) => c.trades)).toEqual([6, 6])
  })

  it("pipe: a failure fails its message and the rest of its group, other groups go on", async () => {
    const { enrichment, processor } = await handlers()
    const later = T0 + 2 * 60_000
    failSymbol = "BTCUSDT"
    const records = [
      sqsRecord("m4", "shard-0", encodeMessageBody(batchOf("BTCUSDT", 0, 112, later, 6, later + 60_000 + 1_000))),
      sqsRecord("m5", "shard-1", encodeMessageBody(batchOf("ETHUSDT", 1, 512, later, 6, later + 60_000 + 1_000))),
      sqsRecord("m6", "shard-0", encodeMessageBody(batchOf("BTCUSDT", 0, 118, later + 60_000, 6, later + 2 * 60_000 + 1_000)))
    ]
    const report = await processor(await enrichment(records))
    failSymbol = undefined
    expect(report).toEqual({ batchItemFailures: [{ itemIdentifier: "m4" }, { itemIdentifier: "m6" }] })
    expect((await stored("ETHUSDT")).map((c) => c.trades)).toEqual([6, 6, 6])
    // Redelivered once EventBridge is back, in order: BTCUSDT catches up.
    const redelivered = await processor(await enrichment(records.filter((r) => r.messageId !== "m5")))
    expect(redelivered.batchItemFailures).toEqual([])
    expect((await stored("BTCUSDT")).map((c) => c.trades)).toEqual([6, 6, 6, 6])
  })

  it("bus: a consumer handles a CandleClosed event as EventBridge delivers it, and counts a malformed one", async () => {
    const { consumer } = await handlers()
    const closed = published.find((e) => e._tag === "CandleClosed")
    if (closed === undefined) throw new Error("the pipe test published no CandleClosed")
    const event = {
      version: "0",
      id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
      "detail-type": "CandleClosed",
      source: "blockchaincore.market",
      account: "000000000000",
      time: "2024-08-08T23:56:00Z",
      region: "us-east-1",
      resources: [],
      detail: Schema.encodeSync(DomainEvent)(closed)
    }
    expect(await consumer(event)).toBe("handled")
    expect(await consumer({ ...event, detail: { _tag: "CandleClosed", id: "x" } })).toBe("malformed")
    expect(REGISTRY.map((c) => c.name)).toEqual(["anomaly", "alert", "archival", "reconciliation", "history", "webhook"])
  })

  it("API: klines from the candle table through a function URL request; a bad query is a 400 naming the field", async () => {
    const { api } = await handlers()
    const request = (rawPath: string, rawQueryString: string) => ({
      version: "2.0",
      rawPath,
      rawQueryString,
      headers: {},
      requestContext: { http: { method: "GET", path: rawPath } },
      isBase64Encoded: false
    })
    const klines = await api(request("/api/v3/klines", "symbol=BTCUSDT&interval=1m&limit=2"))
    expect(klines.statusCode).toBe(200)
    const rows: unknown = JSON.parse(klines.body)
    expect(Array.isArray(rows) && rows.map((r: ReadonlyArray<unknown>) => r[0])).toEqual([T0 + 2 * 60_000, T0 + 3 * 60_000])
    const bad = await api(request("/api/v3/klines", "symbol=BTCUSDT&interval=7m"))
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toMatch(/interval/)
    expect((await api({ nonsense: true })).statusCode).toBe(400)
    // An interval not stored is built from the stored ones: the four stored minutes as one 30m window, and its hour in UTC+05:45 from 15m.
    const halfHour = await api(request("/api/v3/klines", "symbol=BTCUSDT&interval=30m&startTime=0"))
    const quarterPast = await api(request("/api/v3/klines", "symbol=BTCUSDT&interval=1h&timeZone=05:45&startTime=0"))
    const minutes: ReadonlyArray<ReadonlyArray<unknown>> = JSON.parse((await api(request("/api/v3/klines", "symbol=BTCUSDT&interval=1m&startTime=0"))).body)
    for (const built of [halfHour, quarterPast]) {
      expect(built.statusCode, built.body).toBe(200)
      const rows: ReadonlyArray<ReadonlyArray<unknown>> = JSON.parse(built.body)
      expect(rows.reduce((n, r) => n + Number(r[8]), 0)).toBe(minutes.reduce((n, r) => n + Number(r[8]), 0))
    }
    // With an endTime, as clients paging backwards ask: DynamoDB refuses a key range that ends before it starts, so none is asked.
    const before = await api(request("/api/v3/klines", `symbol=BTCUSDT&interval=30m&endTime=${T0 + 5 * 60_000}`))
    const inOneWindow = await api(request("/api/v3/klines", `symbol=BTCUSDT&interval=30m&startTime=${T0}&endTime=${T0 + 60_000}`))
    expect([before.statusCode, JSON.parse(before.body).map((r: ReadonlyArray<unknown>) => r[8]), inOneWindow.statusCode, inOneWindow.body]).toEqual([
      200,
      [24],
      200,
      "[]"
    ])
    const second = await api(request("/api/v3/klines", "symbol=BTCUSDT&interval=1s"))
    const zone = await api(request("/api/v3/klines", "symbol=BTCUSDT&interval=1h&timeZone=15:00"))
    expect([second.statusCode, JSON.parse(second.body).code, zone.statusCode, zone.body]).toEqual([400, -1120, 400, expect.stringMatching(/timeZone/)])
    const anomalies = await api(request("/api/anomalies", "symbol=BTCUSDT"))
    expect([anomalies.statusCode, JSON.parse(anomalies.body)]).toEqual([200, []])
    // What CloudFront may keep: closed windows an hour, the rest 5 s, failures not at all.
    const closed = await api(request("/api/v3/klines", `symbol=BTCUSDT&interval=1m&endTime=${T0 + 5 * 60_000}`))
    expect([klines.headers["cache-control"], closed.headers["cache-control"], bad.headers["cache-control"], anomalies.headers["cache-control"]]).toEqual([
      "public, max-age=5",
      "public, max-age=3600",
      "no-store",
      "public, max-age=5"
    ])
  })

  it("edges: garbage in the pipe's records, bus events and function URL requests is refused by its schema and spares the good data around it", async () => {
    const { enrichment, processor, consumer, api } = await handlers()
    const valid = (n: number) =>
      encodeMessageBody(batchOf("BTCUSDT", 0, 50_000_000 + n * 100, T0 + 86_400_000 + n * 600_000, 3, T0 + 86_400_000 + n * 600_000 + 30_000))
    const garbage = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      // A body cut short, anywhere before its end.
      fc.integer({ min: 1, max: valid(0).length - 1 }).map((cut) => valid(0).slice(0, cut)),
      // Its last character gone: Node's lenient base64 would still gunzip this one whole.
      fc.constantFrom("gz:", "gz:!!!!", valid(0).slice(0, -1), "\u0000", '{"shard":-1,"epoch":0,"symbols":[]}')
    )
    let n = 0
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.constant(undefined), garbage), { minLength: 1, maxLength: 6 }), async (bodies) => {
        const records = bodies.map((body, i) => sqsRecord(`f${n}-${i}`, `shard-${i % 2}`, body ?? valid(++n)))
        const items = await enrichment(records)
        expect(items).toHaveLength(records.length)
        const malformed = items.flatMap((item, i) => (typeof item === "object" && item !== null && "malformed" in item ? [records[i]!.messageId] : []))
        expect(malformed).toEqual(records.filter((_, i) => bodies[i] !== undefined).map((r) => r.messageId))
        // Only the malformed fail: each fails alone, the valid ones of their groups are stored.
        expect((await processor(items)).batchItemFailures.map((f) => f.itemIdentifier)).toEqual(malformed)
      }),
      { numRuns: 15 }
    )
    // Whatever arrives as a bus event or a function URL request is an answer, never an exception.
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (event) => {
        expect(await consumer(event)).toBe("malformed")
        expect((await api(event)).statusCode).toBe(400)
      }),
      { numRuns: 100 }
    )
  })
})
