/**
 * The bus's patterns checked by an implementation not written here: one EventBridge rule per
 * registry entry on moto_server's EventBridge (its own rule matching), each with an SQS target, and
 * every kind of domain event the project emits put on the bus, with near misses (other intervals,
 * severities, completeness, sources and detail-types). What each rule delivers must be exactly
 * what the project's own matcher (core/events/EventPattern.ts) selects: the local runtime and the
 * tests route with that matcher, AWS with EventBridge's.
 */
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
  PutRuleCommand,
  PutTargetsCommand
} from "@aws-sdk/client-eventbridge"
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs"
import { Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { Candle } from "@blockchaincore/core/candle/Candle"
import {
  alertSent,
  anomalyDetected,
  candleClosed,
  candleRetracted,
  candleRevised,
  dataGapDetected,
  dataGapFilled,
  dataGapOverdue,
  type DomainEvent,
  hourReconciled,
  streamSilent
} from "@blockchaincore/core/events/DomainEvent"
import { envelopeOf } from "@blockchaincore/core/events/EventEnvelope"
import { matches } from "@blockchaincore/core/events/EventPattern"
import { REGISTRY } from "@blockchaincore/services/consumers/ConsumerRegistry"
import { entryOf } from "../src/eventbridge/EventBridgeEventBus.ts"
import { candleAt } from "@blockchaincore/testkit/builders"
import { MOTO_CREDENTIALS, type Moto, startMoto } from "@blockchaincore/testkit/motoServer"

const REGION = "ap-northeast-1"
const BUS = "Market"
const T0 = Date.UTC(2024, 7, 8, 23)
let moto: Moto
let bridge: EventBridgeClient
let sqs: SQSClient
const queues = new Map<string, string>()

beforeAll(async () => {
  moto = await startMoto()
  const client = { region: REGION, endpoint: moto.url, credentials: MOTO_CREDENTIALS }
  bridge = new EventBridgeClient(client)
  sqs = new SQSClient(client)
  await bridge.send(new CreateEventBusCommand({ Name: BUS }))
  for (const consumer of REGISTRY) {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: `rule-${consumer.name}` }))).QueueUrl ?? ""
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }))).Attributes?.["QueueArn"] ?? ""
    // The rule's pattern is the consumer's, as deployed (stacks/test/infrastructure.test.ts holds the two equal).
    await bridge.send(new PutRuleCommand({ Name: consumer.name, EventBusName: BUS, EventPattern: JSON.stringify(consumer.pattern) }))
    await bridge.send(new PutTargetsCommand({ Rule: consumer.name, EventBusName: BUS, Targets: [{ Id: "queue", Arn: arn }] }))
    queues.set(consumer.name, url)
  }
})
afterAll(() => moto?.close())

const candle = (interval: Candle["interval"], complete: boolean, symbol = "BTCUSDT"): Candle => ({ ...candleAt(symbol, T0), interval, complete })
const anomaly = (severity: "high" | "medium", interval: Candle["interval"] = "1m") =>
  anomalyDetected({ rule: "price_movement", severity, metrics: { changePct: 11.2 }, threshold: 5, candle: candle(interval, true) })

/** Every kind of event the project emits, in the variations its patterns tell apart. */
const EVENTS: ReadonlyArray<DomainEvent> = [
  ...(["1m", "5m", "15m", "1h", "4h", "1d"] as const).flatMap((interval) => [
    candleClosed(candle(interval, true)),
    candleClosed(candle(interval, false)),
    candleRevised(candle(interval, true)),
    candleRevised(candle(interval, false))
  ]),
  dataGapDetected({ symbol: "BTCUSDT", fromId: 5, toId: 9, fromTime: T0, toTime: T0 + 1 }),
  dataGapFilled({ symbol: "BTCUSDT", fromId: 5, toId: 9, fromTime: T0, toTime: T0 + 1 }),
  dataGapOverdue({ symbol: "ETHUSDT", fromId: 5, toId: 9, fromTime: T0, toTime: T0 + 1, openMillis: 600_000, attempts: 9, reason: "REST answered 418" }),
  candleRetracted("ETHUSDT", "1m", T0, "the exchange has no kline for it: the symbol was halted"),
  streamSilent({ symbol: "ETHUSDT", since: T0, silentMillis: 65_000, streamLastId: 10, exchangeLastId: 12 }),
  hourReconciled({ symbol: "BTCUSDT", openTime: T0, windows: 60, differences: [], checkedAt: T0 + 3_600_000 }),
  anomaly("high"),
  anomaly("medium"),
  anomaly("high", "1h"),
  alertSent({ anomalyId: anomaly("high").id, symbol: "BTCUSDT", interval: "1m", rule: "price_movement", state: "firing", channel: "sns", sentAt: T0 }),
  alertSent({
    anomalyId: anomaly("high").id,
    symbol: "BTCUSDT",
    interval: "1m",
    rule: "price_movement",
    state: "resolved",
    channel: "sns",
    sentAt: T0 + 60_000
  })
]

/** Near misses no pattern of ours should take: another source, a detail-type we never emit. */
const MISSES: ReadonlyArray<{ readonly id: string; readonly entry: PutEventsRequestEntry; readonly envelope: unknown }> = [
  { source: "blockchaincore.other", type: "CandleClosed" },
  { source: "blockchaincore.market.test", type: "AnomalyDetected" },
  { source: "blockchaincore.market", type: "CandleOpened" },
  { source: "blockchaincore.market", type: "candleclosed" }
].map(({ source, type }, i) => {
  const id = `miss-${i}`
  const detail = { id, severity: "high", candle: { interval: "1h", complete: true } }
  return {
    id,
    entry: { EventBusName: BUS, Source: source, DetailType: type, Detail: JSON.stringify(detail) },
    envelope: { source, "detail-type": type, detail }
  }
})

const Delivered = Schema.fromJsonString(Schema.Struct({ detail: Schema.Struct({ id: Schema.String }) }))

/** Every message the queue holds, by the event id in its detail (bounded: at most 20 receives). */
const drain = async (url: string): Promise<Array<string>> => {
  const ids: Array<string> = []
  for (let i = 0; i < 20; i++) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }))
    if (Messages.length === 0) break
    for (const m of Messages) ids.push(Schema.decodeUnknownSync(Delivered)(m.Body).detail.id)
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: Messages.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle })) }))
  }
  return ids.sort()
}

describe("the bus's patterns on an EventBridge not written here (moto_server)", () => {
  it("deliver to each consumer exactly the events the project's matcher selects, near misses to none", async () => {
    const entries = [...EVENTS.map(entryOf(BUS)), ...MISSES.map((m) => m.entry)]
    for (let i = 0; i < entries.length; i += 10) {
      const put = await bridge.send(new PutEventsCommand({ Entries: entries.slice(i, i + 10) }))
      expect(put.FailedEntryCount ?? 0).toBe(0)
    }
    const all = [...EVENTS.map((e) => ({ id: e.id, envelope: envelopeOf(e) })), ...MISSES]
    let delivered = 0
    for (const consumer of REGISTRY) {
      const expected = all
        .filter((e) => matches(consumer.pattern, e.envelope))
        .map((e) => e.id)
        .sort()
      const got = await drain(queues.get(consumer.name) ?? "")
      expect(got, consumer.name).toEqual(expected)
      delivered += got.length
    }
    // The comparison has teeth: each consumer gets some events and misses others.
    for (const consumer of REGISTRY) {
      const chosen = all.filter((e) => matches(consumer.pattern, e.envelope)).length
      expect(chosen, consumer.name).toBeGreaterThan(0)
      expect(chosen, consumer.name).toBeLessThan(all.length)
    }
    expect(delivered).toBeGreaterThan(REGISTRY.length)
  })
})
