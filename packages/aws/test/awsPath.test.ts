/**
 * The AWS path end to end on emulators, in one run of the real recording (with BTCUSDT raised 20%
 * from 00:00, so one anomaly is alerted): the producer → SQS FIFO (fauxqs) → a pipe behaving as
 * Pipes does for FIFO sources (support/pipePoller.ts) → the enrichment and processor handlers →
 * DynamoDB (dynalite), S3 staging (s3rver) and the bus (EventBridge at the SDK boundary, routed
 * by the project's own pattern matcher: support/busRouter.ts) → every consumer's handler →
 * Parquet in S3 and an alert on SNS (fauxqs). Every batch is delivered twice, a poison
 * message sits at the head of BTCUSDT's message group, and the processor is down for the first two
 * hours' worth of receipts (the stage's queue settings: 20 visibility timeouts of 6 minutes). Tracing is on throughout, as a stage with
 * an OTLP endpoint runs: the producer and every function send their spans to a loopback collector.
 */
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { GetObjectCommand } from "@aws-sdk/client-s3"
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns"
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs"
import { DuckDBInstance } from "@duckdb/node-api"
import { Effect, Layer, Schedule, Schema } from "effect"
import { type FauxqsServer, startFauxqs } from "fauxqs"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { CandleEngine } from "@blockchaincore/core/candle/CandleEngine"
import { klineRow } from "@blockchaincore/core/candle/KlineCsv"
import { sqsBatcher } from "@blockchaincore/producer/batching/Batcher"
import { runProducer } from "@blockchaincore/producer/Producer"
import { Journal } from "@blockchaincore/producer/publish/Journal"
import { loadRecording, type RecordedFrame } from "@blockchaincore/replay/Recording"
import { ReplayServer } from "@blockchaincore/replay/ReplayServer"
import { DEFAULT_PLAN } from "@blockchaincore/producer/stream/StreamPlan"
import { DEFAULT_ENGINE } from "@blockchaincore/services/processor/Processor"
import { REGISTRY } from "@blockchaincore/services/consumers/ConsumerRegistry"
import { alteredRecording, JUMP_AT } from "@blockchaincore/testkit/alteredRecording"
import { makeDynamoCandleStore } from "../src/dynamodb/DynamoCandleStore.ts"
import { makeDynamoEngineStateStore } from "../src/dynamodb/DynamoEngineStateStore.ts"
import { TradeQueue } from "@blockchaincore/core/ports/TradeQueue"
import type { SymbolTrades, TradeBatch } from "@blockchaincore/core/trade/TradeBatch"
import { storedGaps } from "@blockchaincore/producer/resume/ResumePoints"
import { ALERT_CONDITIONS_TABLE, CANDLES_TABLE, HISTORY_TABLE, STATE_TABLE, tablesNamed } from "../src/dynamodb/Tables.ts"
import { layerEventBridgeEventBus } from "../src/eventbridge/EventBridgeEventBus.ts"
import { layerSqsTradeQueue } from "../src/sqs/SqsTradeQueue.ts"
import { startBusRouter } from "./support/busRouter.ts"
import { startPipe } from "./support/pipePoller.ts"
import { KEPT_THROUGH_OUTAGE_MINUTES, MAX_RECEIVES, VISIBILITY_TIMEOUT_SECONDS } from "../src/sqs/TradesQueueReceipts.ts"
import { linkedResources, startDynalite, startS3rver } from "@blockchaincore/testkit/awsStandIns"
import { OutboundHttp } from "@blockchaincore/adapters/http/OutboundHttp"
import { DEFAULT_REST, ExchangeRest } from "@blockchaincore/binance/rest/BinanceRest"
import { otlpTracing } from "@blockchaincore/observability/OtlpTracing"
import { TRACING_OFF } from "@blockchaincore/observability/TracingSettings"
import { type ReceivedSpan, startOtlpReceiver } from "@blockchaincore/testkit/otlpReceiver"

const REGION = "us-east-1"
const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" }
/** The processor is down while the batches it has been handed were received this many times: two hours on AWS. */
const OUTAGE_RECEIPTS = MAX_RECEIVES - 1

let frames: ReadonlyArray<RecordedFrame>
let fauxqs: FauxqsServer
let dynamo: Awaited<ReturnType<typeof startDynalite>>
let s3: Awaited<ReturnType<typeof startS3rver>>
let bus: Awaited<ReturnType<typeof startBusRouter>>
let sqs: SQSClient
let queueUrl: string
let deadLetterUrl: string
let inboxUrl: string
let pipe: ReturnType<typeof startPipe>
let collector: Awaited<ReturnType<typeof startOtlpReceiver>>

const queueArn = async (url: string) =>
  (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }))).Attributes?.["QueueArn"] ?? ""
/** The emulator names its queues under a made-up host: the URL is rebuilt on its address. */
const createQueue = async (name: string, attributes: Record<string, string>) => {
  await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))
  return `http://127.0.0.1:${fauxqs.port}/000000000000/${name}`
}

beforeAll(async () => {
  frames = loadRecording(alteredRecording())
  collector = await startOtlpReceiver()
  // The functions' settings, as the stage sets them (read when each function first runs).
  Object.assign(process.env, { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_BSP_SCHEDULE_DELAY: "100" })
  fauxqs = await startFauxqs({ port: 0, host: "127.0.0.1", logger: false })
  dynamo = await startDynalite(tablesNamed({ candles: CANDLES_TABLE, state: STATE_TABLE, conditions: ALERT_CONDITIONS_TABLE, history: HISTORY_TABLE }))
  s3 = await startS3rver("archive")
  sqs = new SQSClient({ endpoint: `http://127.0.0.1:${fauxqs.port}`, region: REGION, credentials })
  deadLetterUrl = await createQueue("trades-dlq.fifo", { FifoQueue: "true" })
  queueUrl = await createQueue("trades.fifo", {
    FifoQueue: "true",
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await queueArn(deadLetterUrl), maxReceiveCount: String(MAX_RECEIVES) })
  })
  // SNS, with a queue subscribed to read what reaches a person.
  const sns = new SNSClient({ endpoint: `http://127.0.0.1:${fauxqs.port}`, region: REGION, credentials })
  const topic = (await sns.send(new CreateTopicCommand({ Name: "alerts" }))).TopicArn ?? ""
  inboxUrl = await createQueue("alert-inbox", {})
  await sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: "sqs", Endpoint: await queueArn(inboxUrl), Attributes: { RawMessageDelivery: "false" } }))

  const { ConsumerName, consumerHandler } = await import("../src/handlers/consumer.ts")
  bus = await startBusRouter(REGISTRY, Object.fromEntries(REGISTRY.map((c) => [c.name, consumerHandler(Schema.decodeUnknownSync(ConsumerName)(c.name))])))
  Object.assign(process.env, {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
    AWS_ENDPOINT_URL_SNS: `http://127.0.0.1:${fauxqs.port}`,
    ...linkedResources({ Alerts: { arn: topic, type: "sst.aws.SnsTopic" }, WebhookUrl: { value: "none", type: "sst.sst.Secret" } })
  })
  // A Binance-protocol server serving the recording, up before any function runs: the enrichment
  // asks it for the instruments of the stage's symbols (SYMBOLS, as the stack sets it) at its cold
  // start, the reconciliation for Binance's klines, and the producer streams from it.
  const replay = new ReplayServer(frames, { pingIntervalMillis: 1_000 })
  const port = await replay.listen()
  process.env["BINANCE_REST_URL"] = `http://127.0.0.1:${port}`
  process.env["SYMBOLS"] = [...new Set(frames.map((f) => f.trade.symbol))].join(",")
  const enrichment = (await import("../src/handlers/enrichment.ts")).handler
  const processor = (await import("../src/handlers/processor.ts")).handler
  pipe = startPipe(sqs, queueUrl, await queueArn(queueUrl), { enrichment, target: processor }, { deliverTwice: true, outagePolls: OUTAGE_RECEIPTS })

  // The poison message: first in BTCUSDT's message group, before any of its trades.
  await sqs.send(
    new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "this is not a trade batch", MessageGroupId: "BTCUSDT", MessageDeduplicationId: "poison" })
  )

  // The producer, streaming the recording into the FIFO queue.
  const journal = mkdtempSync(join(tmpdir(), "aws-path-journal-"))
  const layers = Layer.mergeAll(
    layerSqsTradeQueue({ client: sqs, queueUrl, maxAttempts: 3, baseDelayMillis: 20 }),
    layerEventBridgeEventBus({
      busName: "market",
      maxAttempts: 3,
      baseDelayMillis: 20,
      client: new (await import("@aws-sdk/client-eventbridge")).EventBridgeClient({ endpoint: bus.endpoint, region: REGION, credentials })
    }),
    Journal.layer(journal),
    OutboundHttp,
    ExchangeRest.layer({ ...DEFAULT_REST, baseUrl: `http://127.0.0.1:${port}`, timeoutMillis: 2_000, maxRetryAfterMillis: 5_000 }).pipe(
      Layer.provide(OutboundHttp)
    ),
    // The producer task's tracing, as its entry point builds it.
    otlpTracing({ ...TRACING_OFF, tracesUrl: `${collector.url}/v1/traces`, serviceName: "producer" }).pipe(Layer.provide(OutboundHttp))
  )
  const trades = (m: { readonly counters: { readonly symbols: ReadonlyMap<string, { readonly trades: number }> } }) =>
    [...m.counters.symbols.values()].reduce((n, s) => n + s.trades, 0)
  await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const handle = yield* runProducer({
          resumeFrom: new Map(),
          symbols: ["BTCUSDT", "ETHUSDT"],
          wsUrl: `ws://127.0.0.1:${port}`,
          client: {
            connectTimeoutMillis: 2_000,
            idleTimeoutMillis: 5_000,
            controlSpacingMillis: 250,
            backoff: { baseMillis: 50, capMillis: 400 },
            maxConnectionAgeMillis: 60 * 60_000
          },
          plan: DEFAULT_PLAN,
          batcher: { ...sqsBatcher(2), maxAgeMillis: 500 }
        })
        // Bounded: until every trade of the recording has reached the producer, at most 60 s.
        yield* Effect.suspend(() => Effect.succeed(trades(handle.metrics()))).pipe(
          Effect.repeat({ schedule: Schedule.spaced(50), until: (n) => n >= frames.length }),
          Effect.timeout(60_000)
        )
      })
    ).pipe(Effect.provide(layers))
  )
  expect(await pipe.drain()).toBe(true)
  await bus.deliverAll()
  await replay.close()
}, 180_000)

afterAll(async () => {
  await Promise.all([fauxqs.stop(), dynamo.close(), s3.close(), bus.close(), collector.close()])
})

const expectedCandles = (symbol: string) => {
  const engine = new CandleEngine({ ...DEFAULT_ENGINE, intervals: ["1m"] })
  for (const f of frames) if (f.trade.symbol === symbol) engine.apply(f.trade)
  return engine.drain().flatMap((o) => (o._tag === "CandleClosed" && o.candle.interval === "1m" ? [o.candle] : []))
}

describe("the AWS path on emulators, end to end", () => {
  it("stores exactly the recording's 1m klines in DynamoDB, trade counts included, though every batch came twice", async () => {
    const store = makeDynamoCandleStore({ client: dynamo.client, candlesTable: "candles" })
    for (const symbol of ["BTCUSDT", "ETHUSDT"]) {
      const expected = expectedCandles(symbol)
      expect(expected.length).toBeGreaterThanOrEqual(10)
      const stored = await Effect.runPromise(store.candles({ symbol, interval: "1m", startTime: 0, limit: 1000 }))
      expect(stored.map(klineRow).slice(0, expected.length), symbol).toEqual(expected.map(klineRow))
      expect(
        stored.every((c) => c.complete),
        symbol
      ).toBe(true)
    }
    expect(pipe.stats.invocations).toBeGreaterThan(2)
  })

  it("loses no batch through a processor down for two hours: the first batches were received 21 times, failed 20, and were stored", () => {
    expect(OUTAGE_RECEIPTS * VISIBILITY_TIMEOUT_SECONDS).toBeGreaterThanOrEqual(KEPT_THROUGH_OUTAGE_MINUTES * 60)
    expect(pipe.stats.failedInvocations).toBeGreaterThanOrEqual(OUTAGE_RECEIPTS)
    expect(pipe.stats.mostReceipts).toBe(MAX_RECEIVES)
  })

  it("sends the poison message to the dead-letter queue after its receipts, and its symbol's later trades still flow", async () => {
    const dead = await sqs.send(new ReceiveMessageCommand({ QueueUrl: deadLetterUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ["All"] }))
    expect(dead.Messages?.map((m) => m.Body)).toEqual(["this is not a trade batch"])
    expect(Number(dead.Messages?.[0]?.Attributes?.["ApproximateReceiveCount"] ?? 0)).toBeGreaterThanOrEqual(MAX_RECEIVES)
    const left = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] })
    )
    expect(left.Attributes).toMatchObject({ ApproximateNumberOfMessages: "0", ApproximateNumberOfMessagesNotVisible: "0" })
  })

  it("archives the closed hour's trades as Parquet in S3, each trade once", async () => {
    const hour = Date.UTC(2024, 7, 8, 23)
    for (const symbol of ["BTCUSDT", "ETHUSDT"]) {
      const object = await s3.client.send(
        new GetObjectCommand({ Bucket: "archive", Key: `archive/trades/symbol=${symbol}/date=2024-08-08/hour=23/trades.parquet` })
      )
      const file = join(mkdtempSync(join(tmpdir(), "aws-path-parquet-")), "trades.parquet")
      writeFileSync(file, (await object.Body?.transformToByteArray()) ?? new Uint8Array())
      const connection = await (await DuckDBInstance.create(":memory:")).connect()
      const rows = (await connection.runAndReadAll(`SELECT count(*) AS n, count(DISTINCT trade_id) AS ids FROM read_parquet('${file}')`)).getRowObjectsJson()
      connection.closeSync()
      const inHour = frames.filter((f) => f.trade.symbol === symbol && f.trade.time >= hour && f.trade.time < hour + 3_600_000).length
      expect(rows, symbol).toEqual([{ n: String(inHour), ids: String(inHour) }])
    }
  })

  it("routes the events to the consumers by their patterns, detects the jump and alerts a person through SNS", async () => {
    expect(bus.failed).toEqual([])
    const byConsumer = (name: string) => bus.delivered.filter((d) => d.consumer === name).map((d) => d.event["detail-type"])
    expect(new Set(byConsumer("anomaly"))).toEqual(new Set(["CandleClosed"]))
    expect(byConsumer("alert").length).toBeGreaterThan(0)
    const jump = bus.published.filter(
      (e) =>
        e["detail-type"] === "AnomalyDetected" && JSON.stringify(e.detail).includes(`"openTime":${JUMP_AT}`) && JSON.stringify(e.detail).includes("BTCUSDT")
    )
    expect(jump.length).toBeGreaterThan(0)
    const inbox = await sqs.send(new ReceiveMessageCommand({ QueueUrl: inboxUrl, MaxNumberOfMessages: 10 }))
    const notes = (inbox.Messages ?? []).map((m) => m.Body ?? "")
    expect(
      notes.some((n) => n.includes("BTCUSDT") && n.includes("price_movement")),
      notes.join("\n")
    ).toBe(true)
  })

  it("reconciles the closed hour of each symbol with Binance's klines, keeps it in the history table, and /health sums it", async () => {
    const reconciled = bus.published.filter((e) => e["detail-type"] === "HourReconciled").map((e) => JSON.stringify(e.detail))
    expect(reconciled).toHaveLength(2)
    expect(reconciled.every((d) => d.includes(`"differences":[]`))).toBe(true)
    expect(new Set(bus.delivered.filter((d) => d.consumer === "history").map((d) => d.event["detail-type"]))).toContain("HourReconciled")
    const api = (await import("../src/handlers/api.ts")).handler
    const health = await api({
      version: "2.0",
      rawPath: "/health",
      rawQueryString: "",
      headers: {},
      requestContext: { http: { method: "GET", path: "/health" } },
      isBase64Encoded: false
    })
    expect(health.statusCode).toBe(200)
    expect(JSON.parse(health.body)).toMatchObject({ status: "ok", reconciliation: { hours: 2, mismatches: 0 } })
  })

  it("traces a batch that closed a candle from the producer through SQS, the pipe's two steps and the bus to each consumer: one trace", async () => {
    const spans = collector.spans
    const childrenOf = (parent: ReceivedSpan) => spans.filter((s) => s.parentSpanId === parent.spanId)
    const descendantsOf = (parent: ReceivedSpan): Array<ReceivedSpan> => childrenOf(parent).flatMap((c) => [c, ...descendantsOf(c)])
    const root = spans.find((s) => s.name === "batch" && s.service === "producer" && descendantsOf(s).some((d) => d.name.startsWith("consume ")))
    expect(root).toBeDefined()
    const trace = spans.filter((s) => s.traceId === root!.traceId)
    expect(trace.filter((s) => s.parentSpanId === undefined)).toEqual([root])
    expect(descendantsOf(root!)).toHaveLength(trace.length - 1)
    // Across SQS (a message attribute) and the pipe's payload: the queue, enrichment and processing hops are the root's children.
    expect(new Set(childrenOf(root!).map((s) => s.name))).toEqual(new Set(["batching", "publish", "queue", "enrich", "process"]))
    // Across the bus (the event's detail): each consumer's handling is a child of the publish inside processing.
    const process = trace.filter((s) => s.name === "process")
    const publishes = process.flatMap(descendantsOf).filter((s) => s.name === "bus")
    const consumed = publishes.flatMap(childrenOf).map((s) => s.name)
    expect(consumed).toEqual(expect.arrayContaining(["consume anomaly", "consume alert"]))
    expect(consumed.length).toBe(trace.filter((s) => s.name.startsWith("consume ")).length)
  })

  it("finds a batch dead-lettered with no later trade of its symbol: the next confirmation names its ids in the stored state, where the producer's read finds them", async () => {
    const queue = (url: string) =>
      Effect.runPromise(
        Effect.gen(function* () {
          return yield* TradeQueue
        }).pipe(Effect.provide(layerSqsTradeQueue({ client: sqs, queueUrl: url, maxAttempts: 3, baseDelayMillis: 20 })))
      )
    const t0 = Date.UTC(2024, 7, 9, 1)
    const row = (id: number): SymbolTrades["trades"][number] => [id, 1_000_000_000n, 100_000_000n, t0 + id * 1_000, false]
    const part = (trades: ReadonlyArray<number>, extra: Partial<SymbolTrades> = {}): TradeBatch => ({
      shard: 0,
      epoch: 9,
      symbols: [{ symbol: "SOLUSDT", watermark: t0 + 8_000, trades: trades.map(row), ...extra }]
    })
    await Effect.runPromise((await queue(queueUrl)).publish([part([1, 2, 3, 4, 5])]))
    expect(await pipe.drain()).toBe(true)
    // Trades 6 and 7 were sent, and dead-lettered: the batch lies in the dead-letter queue.
    await Effect.runPromise((await queue(deadLetterUrl)).publish([part([6, 7])]))
    // Then the symbol is quiet; the completeness check confirms the last id it sent.
    await Effect.runPromise((await queue(queueUrl)).publish([part([], { confirmed: { lastId: 7, time: t0 + 9_000 } })]))
    expect(await pipe.drain()).toBe(true)
    const states = makeDynamoEngineStateStore({ client: dynamo.client, stateTable: "state" })
    const gaps = await Effect.runPromise(storedGaps(states, ["SOLUSDT"]))
    expect(gaps.map((g) => [g.fromId, g.toId])).toContainEqual([6, 7])
  })
})
