/**
 * The cost run: a synthetic market at the given rate goes through the AWS code path, stage by
 * stage, with every request the adapters make counted:
 * - the producer's batcher with its SQS settings (as `produce --queue-url` uses them), in stream time, publishing through the SQS
 *   adapter (to a loopback SQS stand-in: none can run here);
 * - each SendMessageBatch's messages as one pipe batch, through the enrichment and processor
 *   handlers' programs, over DynamoDB (dynalite) and S3 (s3rver), publishing through the
 *   EventBridge adapter (to a loopback stand-in);
 * - each published event to every registry consumer whose pattern matches it, as the bus would.
 * Nothing is sampled or assumed here: counts, sizes and local durations are what happened.
 */
import { layerCandleRepairs } from "@blockchaincore/core/ports/CandleRepairs"
import { createHash } from "node:crypto"
import { type AttributeValue, DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb"
import { EventBridgeClient } from "@aws-sdk/client-eventbridge"
import { ListObjectsCommand, S3Client } from "@aws-sdk/client-s3"
import { SNSClient } from "@aws-sdk/client-sns"
import { SQSClient } from "@aws-sdk/client-sqs"
import { Effect, Exit, Layer, ManagedRuntime, Schema, Scope } from "effect"
import { BUNDLED_EXCHANGE_INFO } from "@blockchaincore/binance/instruments/bundledExchangeInfo"
import { ExchangeInfo, instrumentsOf } from "@blockchaincore/binance/instruments/ExchangeInfo"
import { DomainEvent } from "@blockchaincore/core/events/DomainEvent"
import { envelopeOf } from "@blockchaincore/core/events/EventEnvelope"
import { matches } from "@blockchaincore/core/events/EventPattern"
import { layerDynamoAlertConditions } from "@blockchaincore/aws/dynamodb/DynamoAlertConditions"
import { layerDynamoCandleStore } from "@blockchaincore/aws/dynamodb/DynamoCandleStore"
import { layerDynamoEngineStateStore } from "@blockchaincore/aws/dynamodb/DynamoEngineStateStore"
import { ALERT_CONDITIONS_TABLE, CANDLES_TABLE, HISTORY_TABLE, STATE_TABLE, tablesNamed } from "@blockchaincore/aws/dynamodb/Tables"
import { layerDynamoEventHistory } from "@blockchaincore/aws/dynamodb/DynamoEventHistory"
import { layerEventBridgeEventBus } from "@blockchaincore/aws/eventbridge/EventBridgeEventBus"
import { enrichRecords } from "@blockchaincore/aws/pipe/EnrichmentStep"
import { processItems } from "@blockchaincore/aws/pipe/ProcessorTarget"
import { layerS3TradeArchive } from "@blockchaincore/aws/s3/S3TradeArchive"
import { layerS3TradeStaging } from "@blockchaincore/aws/s3/S3TradeStaging"
import { layerSnsNotifier } from "@blockchaincore/aws/sns/SnsNotifier"
import { makeSqsTradeQueue } from "@blockchaincore/aws/sqs/SqsTradeQueue"
import { Batcher, sqsBatcher } from "@blockchaincore/producer/batching/Batcher"
import type { PortLayers } from "@blockchaincore/services/consumers/ConsumerDeclaration"
import { REGISTRY } from "@blockchaincore/services/consumers/ConsumerRegistry"
import { defaultEnrichment, Enricher } from "@blockchaincore/services/enrichment/Enricher"
import { DEFAULT_ENGINE, Processor } from "@blockchaincore/services/processor/Processor"
import { Notifier } from "@blockchaincore/core/ports/Notifier"
import { Webhook } from "@blockchaincore/core/ports/Webhook"
import { CandleStore } from "@blockchaincore/core/ports/CandleStore"
import { ExchangeKlines, ExchangeUnavailable } from "@blockchaincore/core/ports/ExchangeKlines"
import { AnomalySettings } from "@blockchaincore/core/anomaly/AnomalySettings"
import { startDynalite, startS3rver } from "@blockchaincore/testkit/awsStandIns"
import { json, startWireFake } from "@blockchaincore/testkit/wireFake"
import { countCapacity, countCommands, difference, newCounters, snapshot, type Snapshot } from "./AwsCounters.ts"
import { syntheticTrades } from "./SyntheticMarket.ts"

export interface Invocations {
  count: number
  millis: number
}

export interface CountedRun {
  readonly symbols: number
  readonly rate: number
  readonly minutes: number
  trades: number
  readonly messages: { count: number; bytes: number; chunks64k: number; sendRequests: number; sendRequestChunks: number }
  pipeBatches: number
  readonly enrichment: Invocations
  readonly processor: Invocations
  /** Requests of the stream path (producer, pipe, processor). */
  readonly stream: Snapshot
  /** Per consumer and kind of event ("anomaly CandleClosed 1m"): its invocations and their requests. */
  readonly consumers: Map<string, { readonly consumer: string; readonly kind: string; invocations: Invocations; requests: Snapshot }>
  readonly events: { count: number; chunks64k: number }
  readonly publishes: number
  readonly archiveBytes: number
  readonly stagingBytes: number
  /** Mean size of a stored candle item, as DynamoDB sizes items (names and values). */
  readonly candleItemBytes: number
}

const SqsBatch = Schema.fromJsonString(
  Schema.Struct({ Entries: Schema.Array(Schema.Struct({ Id: Schema.String, MessageBody: Schema.String, MessageGroupId: Schema.String })) })
)
const PutEvents = Schema.fromJsonString(Schema.Struct({ Entries: Schema.Array(Schema.Struct({ Detail: Schema.String })) }))

const chunks = (bytes: number) => Math.max(1, Math.ceil(bytes / 65_536))
const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" }

export const countedRun = async (symbolNames: ReadonlyArray<string>, rate: number, start: number, minutes: number): Promise<CountedRun> => {
  const dynamo = await startDynalite(tablesNamed({ candles: CANDLES_TABLE, state: STATE_TABLE, conditions: ALERT_CONDITIONS_TABLE, history: HISTORY_TABLE }))
  const s3 = await startS3rver("archive")
  const sqsBatches: Array<ReadonlyArray<{ Id: string; MessageBody: string; MessageGroupId: string }>> = []
  const sqs = await startWireFake((request) => {
    const entries = Schema.decodeUnknownSync(SqsBatch)(request.body).Entries
    sqsBatches.push(entries)
    return json(
      { Successful: entries.map((e) => ({ Id: e.Id, MessageId: e.Id, MD5OfMessageBody: createHash("md5").update(e.MessageBody).digest("hex") })), Failed: [] },
      200,
      "application/x-amz-json-1.0"
    )
  })
  const published: Array<DomainEvent> = []
  let eventChunks = 0
  const eventBridge = await startWireFake((request) => {
    const entries = Schema.decodeUnknownSync(PutEvents)(request.body).Entries
    for (const e of entries) {
      published.push(Schema.decodeUnknownSync(DomainEvent)(JSON.parse(e.Detail)))
      eventChunks += chunks(Buffer.byteLength(e.Detail))
    }
    return json({ FailedEntryCount: 0, Entries: entries.map((_, i) => ({ EventId: String(i) })) })
  })
  let publishes = 0
  const sns = await startWireFake(() => {
    publishes++
    return {
      status: 200,
      contentType: "text/xml",
      body: `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m</MessageId></PublishResult></PublishResponse>`
    }
  })

  const counters = newCounters()
  const region = "ap-northeast-1"
  const dynamoClient = new DynamoDBClient({ endpoint: dynamo.endpoint, region, credentials })
  const s3Client = new S3Client({ endpoint: s3.endpoint, region, credentials, forcePathStyle: true })
  const ebClient = new EventBridgeClient({ endpoint: eventBridge.endpoint, region, credentials, maxAttempts: 1 })
  const snsClient = new SNSClient({ endpoint: sns.endpoint, region, credentials, maxAttempts: 1 })
  const sqsClient = new SQSClient({ endpoint: sqs.endpoint, region, credentials, maxAttempts: 1 })
  countCommands(dynamoClient, "dynamodb", counters)
  countCapacity(dynamoClient, counters)
  countCommands(s3Client, "s3", counters)
  countCommands(ebClient, "eventbridge", counters)
  countCommands(snsClient, "sns", counters)

  const retry = { maxAttempts: 3, baseDelayMillis: 10 }
  const store = layerDynamoCandleStore({ client: dynamoClient, candlesTable: "candles" })
  const states = layerDynamoEngineStateStore({ client: dynamoClient, stateTable: "state" })
  const bus = layerEventBridgeEventBus({ client: ebClient, busName: "market", ...retry })
  const archive = Layer.merge(layerS3TradeArchive({ client: s3Client, bucket: "archive" }), layerS3TradeStaging({ client: s3Client, bucket: "archive" }))
  const instruments = instrumentsOf(Schema.decodeUnknownSync(ExchangeInfo)(BUNDLED_EXCHANGE_INFO))
  const ports: PortLayers = {
    AnomalySettings: AnomalySettings.defaults,
    AlertConditions: layerDynamoAlertConditions(dynamoClient, "conditions"),
    CandleStore: store,
    CandleRepairs: layerCandleRepairs.pipe(Layer.provide(store)),
    EventBus: bus,
    EventHistory: layerDynamoEventHistory(dynamoClient, "history"),
    // Binance's klines cost AWS nothing: the exchange here answers with the stored candles themselves.
    ExchangeKlines: Layer.effect(
      ExchangeKlines,
      Effect.gen(function* () {
        const candles = yield* CandleStore
        return ExchangeKlines.of({
          klines: (symbol, interval, startTime, endTime) =>
            candles
              .candles({ symbol, interval, startTime, endTime, limit: 1000 })
              .pipe(Effect.mapError((e) => new ExchangeUnavailable({ message: e.message }))),
          // The stored candles agree with themselves: nothing is ever repaired from trades here.
          trades: () => Effect.succeed([])
        })
      })
    ).pipe(Layer.provide(store)),
    Notifier: layerSnsNotifier({ client: snsClient, topicArn: "arn:aws:sns:ap-northeast-1:123456789012:alerts", ...retry }),
    TradeArchive: layerS3TradeArchive({ client: s3Client, bucket: "archive" }),
    // A chat webhook costs AWS nothing: the posts are taken, and not sent anywhere.
    Webhook: Layer.succeed(Webhook, Notifier.of({ channel: "webhook", notify: () => Effect.void }))
  }
  const runtime = ManagedRuntime.make(
    Layer.mergeAll(Enricher.layer(defaultEnrichment(instruments)), Processor.layer(DEFAULT_ENGINE, "by-caller")).pipe(
      Layer.provideMerge(Layer.mergeAll(store, states, bus, archive))
    )
  )
  // Each consumer on the same ports, as its own function would run it.
  const consumerScope = Effect.runSync(Scope.make())
  const handlers = new Map(
    await runtime.runPromise(Effect.forEach(REGISTRY, (c) => Effect.map(c.handlerOn(ports), (h) => [c.name, h] as const)).pipe(Scope.provide(consumerScope)))
  )

  const queue = makeSqsTradeQueue({ client: sqsClient, queueUrl: `${sqs.endpoint}/123456789012/trades.fifo`, maxAttempts: 3, baseDelayMillis: 10 })
  const batcher = new Batcher(symbolNames, sqsBatcher(symbolNames.length), 1)
  const run: CountedRun = {
    symbols: symbolNames.length,
    rate,
    minutes,
    trades: 0,
    messages: { count: 0, bytes: 0, chunks64k: 0, sendRequests: 0, sendRequestChunks: 0 },
    pipeBatches: 0,
    enrichment: { count: 0, millis: 0 },
    processor: { count: 0, millis: 0 },
    stream: snapshot(counters),
    consumers: new Map(),
    events: { count: 0, chunks64k: 0 },
    publishes: 0,
    archiveBytes: 0,
    stagingBytes: 0,
    candleItemBytes: 0
  }
  let streamCounts = snapshot(newCounters())

  const timed = async <A>(into: Invocations, work: () => Promise<A>): Promise<A> => {
    const began = performance.now()
    try {
      return await work()
    } finally {
      into.count++
      into.millis += performance.now() - began
    }
  }

  /** Delivers the events published so far to the consumers whose patterns match, as the bus does. */
  const deliverEvents = async () => {
    for (const event of published.splice(0)) {
      run.events.count++
      const envelope = envelopeOf(event)
      const kind = event._tag === "CandleClosed" || event._tag === "CandleRevised" ? `${event._tag} ${event.candle.interval}` : event._tag
      for (const consumer of REGISTRY) {
        if (!matches(consumer.pattern, envelope)) continue
        const key = `${consumer.name} ${kind}`
        const entry = run.consumers.get(key) ?? { consumer: consumer.name, kind, invocations: { count: 0, millis: 0 }, requests: snapshot(newCounters()) }
        run.consumers.set(key, entry)
        const before = snapshot(counters)
        await timed(entry.invocations, () =>
          runtime.runPromise(
            (handlers.get(consumer.name) ?? (() => Effect.void))(event).pipe(Effect.catch((e) => Effect.logWarning(`${consumer.name}: ${e.message}`)))
          )
        )
        const delta = difference(snapshot(counters), before)
        entry.requests = add(entry.requests, delta)
      }
    }
  }

  /** Every SendMessageBatch request's messages arrive at the pipe together: one pipe batch. */
  const drainPipe = async () => {
    for (const entries of sqsBatches.splice(0)) {
      run.messages.sendRequests++
      run.messages.sendRequestChunks += chunks(entries.reduce((n, e) => n + Buffer.byteLength(e.MessageBody), 0))
      for (const e of entries) {
        run.messages.count++
        run.messages.bytes += Buffer.byteLength(e.MessageBody)
        run.messages.chunks64k += chunks(Buffer.byteLength(e.MessageBody))
      }
      run.pipeBatches++
      const before = snapshot(counters)
      const records = entries.map((e, i) => ({ messageId: `${run.pipeBatches}-${i}`, body: e.MessageBody, attributes: { MessageGroupId: e.MessageGroupId } }))
      const items = await timed(run.enrichment, () => runtime.runPromise(enrichRecords(records)))
      const report = await timed(run.processor, () => runtime.runPromise(processItems(items)))
      if (report.batchItemFailures.length > 0) throw new Error(`the processor failed messages in the cost run: ${JSON.stringify(report)}`)
      streamCounts = add(streamCounts, difference(snapshot(counters), before))
      await deliverEvents()
    }
  }

  const publish = async (batches: ReturnType<Batcher["takeDue"]>) => {
    if (batches.length === 0) return
    await Effect.runPromise(queue.publish(batches))
    await drainPipe()
  }

  try {
    let tick = start
    const opened = new Set<string>()
    for (const trade of syntheticTrades(symbolNames, rate, start, minutes)) {
      while (tick + 10 <= trade.time) {
        tick += 10
        await publish(batcher.takeDue(tick))
      }
      batcher.add(trade, trade.time)
      // The synthetic market begins with its first trade: the producer's cold start says so, once.
      if (!opened.has(trade.symbol)) {
        opened.add(trade.symbol)
        batcher.open(trade.symbol, { beforeId: trade.firstId, firstId: trade.firstId, seeds: [] })
      }
      run.trades++
    }
    // Past the last minute's end, so its windows close as they would live.
    for (const end = start + minutes * 60_000 + 1_000; tick < end; tick += 10) await publish(batcher.takeDue(tick))
    await publish(batcher.takeAll())
    const objects = await s3Objects(s3Client)
    const candleItemBytes = await meanItemBytes(dynamo.client, "candles")
    return {
      ...run,
      stream: streamCounts,
      publishes,
      events: { count: run.events.count, chunks64k: eventChunks },
      archiveBytes: objects.filter((o) => o.key.startsWith("archive/")).reduce((n, o) => n + o.size, 0),
      stagingBytes: objects.filter((o) => o.key.startsWith("staging/")).reduce((n, o) => n + o.size, 0),
      candleItemBytes
    }
  } finally {
    await Effect.runPromise(Scope.close(consumerScope, Exit.void))
    await runtime.dispose()
    for (const c of [dynamoClient, s3Client, ebClient, snsClient, sqsClient]) c.destroy()
    await Promise.all([dynamo.close(), s3.close(), sqs.close(), eventBridge.close(), sns.close()])
  }
}

const add = (a: Snapshot, b: Snapshot): Snapshot => ({
  commands: new Map([...new Set([...a.commands.keys(), ...b.commands.keys()])].map((k) => [k, (a.commands.get(k) ?? 0) + (b.commands.get(k) ?? 0)])),
  readUnits: a.readUnits + b.readUnits,
  writeUnits: a.writeUnits + b.writeUnits
})

/**
 * The archive's objects, listed with the first version of ListObjects: s3rver makes the second
 * version's continuation token with DES, which Node 24's OpenSSL no longer has, so a listing past
 * 1,000 keys fails there with a 500 (a CI run failed on it once the run staged that many parts).
 */
export const s3Objects = async (client: S3Client) => {
  const out: Array<{ key: string; size: number }> = []
  let marker: string | undefined
  do {
    const page = await client.send(new ListObjectsCommand({ Bucket: "archive", Marker: marker }))
    for (const o of page.Contents ?? []) out.push({ key: o.Key ?? "", size: o.Size ?? 0 })
    marker = page.IsTruncated === true ? out.at(-1)?.key : undefined
  } while (marker !== undefined)
  return out
}

/** Read with the uncounted client: measuring is not part of the bill. */
const meanItemBytes = async (client: DynamoDBClient, table: string) => {
  let items = 0
  let bytes = 0
  let start: Record<string, AttributeValue> | undefined
  do {
    const page = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }))
    for (const item of page.Items ?? []) {
      items++
      for (const [name, value] of Object.entries(item)) bytes += name.length + (value.S?.length ?? value.N?.length ?? 8)
    }
    start = page.LastEvaluatedKey
  } while (start !== undefined)
  return items === 0 ? 0 : bytes / items
}
