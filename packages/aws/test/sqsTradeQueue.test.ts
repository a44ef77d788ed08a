/**
 * The SQS adapter's requests, checked where no real SQS can run: at the SDK's wire. A loopback
 * endpoint answers the real SDK's SendMessageBatch calls (AWS JSON protocol), records them,
 * and throttles or fails entries on command.
 */
import { createHash } from "node:crypto"
import { SQSClient } from "@aws-sdk/client-sqs"
import { Effect, Schema } from "effect"
import { describe, expect, it } from "@effect/vitest"
import type { TradeBatch } from "@blockchaincore/core/trade/TradeBatch"
import { deduplicationId } from "../src/sqs/DeduplicationId.ts"
import { TradeBatchFromMessageBody } from "../src/sqs/MessageBody.ts"
import { makeSqsTradeQueue, messageGroupOf } from "../src/sqs/SqsTradeQueue.ts"
import { Batcher, sqsBatcher } from "@blockchaincore/producer/batching/Batcher"
import { scopedStandIn } from "@blockchaincore/testkit/scopedStandIn"
import { json, startWireFake, TEST_CREDENTIALS, type WireAnswer } from "@blockchaincore/testkit/wireFake"

interface Entry {
  readonly Id: string
  readonly MessageBody: string
  readonly MessageGroupId: string
  readonly MessageDeduplicationId: string
  readonly MessageAttributes?: Readonly<Record<string, { readonly DataType: string; readonly StringValue: string }>>
}

const SendMessageBatchRequest = Schema.fromJsonString(
  Schema.Struct({
    QueueUrl: Schema.String,
    Entries: Schema.Array(
      Schema.Struct({
        Id: Schema.String,
        MessageBody: Schema.String,
        MessageGroupId: Schema.String,
        MessageDeduplicationId: Schema.String,
        MessageAttributes: Schema.optionalKey(Schema.Record(Schema.String, Schema.Struct({ DataType: Schema.String, StringValue: Schema.String })))
      })
    )
  })
)

/** What the fake does with each request: answer normally, throttle it, or fail some entries. */
type Behaviour = (
  request: number,
  entries: ReadonlyArray<Entry>
) => "ok" | "throttle" | { readonly fail: ReadonlyArray<string>; readonly senderFault?: boolean }

const fakeSqs = Effect.fn(function* (behaviour: Behaviour) {
  const requests: Array<{ target: string; entries: ReadonlyArray<Entry> }> = []
  const fake = yield* scopedStandIn(() =>
    startWireFake((request, i): WireAnswer => {
      const parsed = Schema.decodeUnknownSync(SendMessageBatchRequest)(request.body)
      requests.push({ target: request.operation, entries: parsed.Entries })
      const what = behaviour(i, parsed.Entries)
      if (what === "throttle") return json({ __type: "com.amazonaws.sqs#ThrottlingException", message: "Rate exceeded" }, 400, "application/x-amz-json-1.0")
      const failing = new Set(what === "ok" ? [] : what.fail)
      return json(
        {
          Successful: parsed.Entries.filter((e) => !failing.has(e.Id)).map((e) => ({
            Id: e.Id,
            MessageId: `m-${e.Id}`,
            MD5OfMessageBody: createHash("md5").update(e.MessageBody).digest("hex")
          })),
          Failed: parsed.Entries.filter((e) => failing.has(e.Id)).map((e) => ({
            Id: e.Id,
            SenderFault: what !== "ok" && what.senderFault === true,
            Code: "InternalError",
            Message: "try again"
          }))
        },
        200,
        "application/x-amz-json-1.0"
      )
    })
  )
  const client = new SQSClient({ endpoint: fake.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 })
  const queue = makeSqsTradeQueue({ client, queueUrl: `${fake.endpoint}/000000000000/trades.fifo`, maxAttempts: 4, baseDelayMillis: 5 })
  return { queue, requests }
})

const T = Date.UTC(2024, 7, 8, 23, 54)

const batch = (shard: number, firstId: number, trades = 1): TradeBatch => ({
  shard,
  epoch: 1,
  symbols: [
    {
      symbol: "BTCUSDT",
      watermark: 1723161255343 + firstId,
      trades: Array.from({ length: trades }, (_, i) => [firstId + i, 6_183_763_000_000n, 2_000_000n, 1723161255342 + firstId, true] as const)
    }
  ]
})

describe("SqsTradeQueue", () => {
  it("derives a batch's deduplication id from its content, within SQS's 128 characters", () => {
    const id = deduplicationId(batch(3, 1000, 5))
    expect(id).toMatch(/^3-[0-9a-f]{64}$/)
    expect(deduplicationId(structuredClone(batch(3, 1000, 5)))).toBe(id)
    expect(deduplicationId(batch(3, 1000, 6))).not.toBe(id)
    expect(deduplicationId(batch(3, 1001, 5))).not.toBe(id)
    // A heartbeat that brings only the exchange's word (a stalled market's watermark unchanged) is not a repeat.
    const heartbeat = { ...batch(3, 1000, 0) }
    const part = heartbeat.symbols[0]!
    const saying = (word: Partial<typeof part>) => deduplicationId({ ...heartbeat, symbols: [{ ...part, ...word }] })
    const ids = [
      deduplicationId(heartbeat),
      saying({ confirmed: { lastId: 999, time: part.watermark } }),
      saying({ statuses: [{ trading: false, time: part.watermark }] }),
      saying({ statuses: [{ trading: true, time: part.watermark }] }),
      saying({
        statuses: [
          { trading: false, time: part.watermark },
          { trading: true, time: part.watermark + 60_000 }
        ]
      })
    ]
    expect(new Set(ids).size).toBe(5)
  })

  it.live("sends at most 10 entries a request, in order, grouped by shard, deduplicated by content", () =>
    Effect.gen(function* () {
      const { queue, requests } = yield* fakeSqs(() => "ok")
      const batches = Array.from({ length: 23 }, (_, i) => batch(i % 3, 1000 + i))
      yield* queue.publish(batches)
      expect(requests.map((r) => r.entries.length)).toEqual([10, 10, 3])
      expect(requests[0]!.target).toBe("AmazonSQS.SendMessageBatch")
      const sent = requests.flatMap((r) => r.entries)
      expect(sent.map((e) => Schema.decodeUnknownSync(TradeBatchFromMessageBody)(e.MessageBody))).toEqual(batches)
      // Each batch holds one symbol: its group is the symbol's, whatever its shard.
      expect(sent.map((e) => e.MessageGroupId)).toEqual(batches.map(() => "BTCUSDT"))
      expect(sent.map((e) => e.MessageDeduplicationId)).toEqual(batches.map(deduplicationId))
    })
  )

  it("gives every symbol a message group of its own at any number of symbols, so a poison batch holds back only its own", () => {
    for (const count of [10, 250]) {
      const symbols = Array.from({ length: count }, (_, i) => `S${String(i).padStart(4, "0")}USDT`)
      const batcher = new Batcher(symbols, sqsBatcher(count), 1)
      symbols.forEach((symbol, i) =>
        batcher.add({ symbol, firstId: i + 1, lastId: i + 1, price: 100_000_000n, qty: 100_000_000n, time: T + i, buyerIsMaker: false }, T + i)
      )
      const batches = batcher.takeAll()
      const groups = batches.map(messageGroupOf)
      expect(new Set(groups).size, `${count} symbols`).toBe(count)
      expect(groups.sort()).toEqual([...symbols].sort())
    }
    // A batch of several symbols (the local producer's shards) keeps its shard's group.
    expect(messageGroupOf({ ...batch(2, 1), symbols: [...batch(2, 1).symbols, { ...batch(2, 1).symbols[0]!, symbol: "ETHUSDT" }] })).toBe("shard-2")
  })

  it.live("sends a traced batch's context as a message attribute, its body unchanged, and nothing for an untraced one", () =>
    Effect.gen(function* () {
      const { queue, requests } = yield* fakeSqs(() => "ok")
      const traceparent = `00-${"ab".repeat(16)}-${"cd".repeat(8)}-01`
      yield* queue.publish([{ ...batch(0, 1), traceparent }, batch(0, 2)])
      const [traced, untraced] = requests.flatMap((r) => r.entries)
      expect(traced!.MessageAttributes).toEqual({ traceparent: { DataType: "String", StringValue: traceparent } })
      expect(Schema.decodeUnknownSync(TradeBatchFromMessageBody)(traced!.MessageBody)).toEqual(batch(0, 1))
      expect(untraced!.MessageAttributes).toBeUndefined()
    })
  )

  it.live("keeps each request within SQS's 256 KiB", () =>
    Effect.gen(function* () {
      const { queue, requests } = yield* fakeSqs(() => "ok")
      // Prices that do not repeat, so the compressed bodies stay big: ten of them exceed 256 KiB.
      let seed = 7
      const noisy = (firstId: number): TradeBatch => ({
        shard: 0,
        epoch: 1,
        symbols: [
          {
            symbol: "BTCUSDT",
            watermark: 1723161255343 + firstId + 3_000,
            trades: Array.from(
              { length: 3_000 },
              (_, i) =>
                [
                  firstId + i,
                  6_000_000_000_000n + BigInt((seed = (seed * 48271) % 2147483647)),
                  BigInt(seed % 99_999_999) + 1n,
                  1723161255342 + firstId + i,
                  seed % 2 === 0
                ] as const
            )
          }
        ]
      })
      const batches = Array.from({ length: 10 }, (_, i) => noisy(i * 10_000))
      yield* queue.publish(batches)
      for (const r of requests) expect(r.entries.reduce((n, e) => n + Buffer.byteLength(e.MessageBody), 0)).toBeLessThanOrEqual(262_144)
      expect(requests.length).toBeGreaterThan(1)
      expect(requests.flatMap((r) => r.entries.map((e) => Schema.decodeUnknownSync(TradeBatchFromMessageBody)(e.MessageBody)))).toEqual(batches)
    })
  )

  it.live("retries a throttled request, then succeeds", () =>
    Effect.gen(function* () {
      const { queue, requests } = yield* fakeSqs((n) => (n <= 2 ? "throttle" : "ok"))
      yield* queue.publish([batch(0, 1)])
      expect(requests).toHaveLength(3)
    })
  )

  it.live("resends only the entries that failed", () =>
    Effect.gen(function* () {
      const { queue, requests } = yield* fakeSqs((n) => (n === 1 ? { fail: ["1", "3"] } : "ok"))
      yield* queue.publish([batch(0, 1), batch(0, 2), batch(0, 3), batch(0, 4)])
      expect(requests.map((r) => r.entries.map((e) => e.Id))).toEqual([
        ["0", "1", "2", "3"],
        ["1", "3"]
      ])
    })
  )

  it.live("reports the queue unavailable when it stays throttled, and at once on a sender fault", () =>
    Effect.gen(function* () {
      const throttled = yield* fakeSqs(() => "throttle")
      const error = yield* Effect.flip(throttled.queue.publish([batch(0, 1)]))
      expect(error._tag).toBe("QueueUnavailable")
      expect(error.message).toMatch(/ThrottlingException.*after 4 attempts/)
      const refused = yield* fakeSqs(() => ({ fail: ["0"], senderFault: true }))
      const fault = yield* Effect.flip(refused.queue.publish([batch(0, 1)]))
      expect(fault.message).toMatch(/refused/)
      expect(refused.requests).toHaveLength(1)
    })
  )
})
