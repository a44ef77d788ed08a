/**
 * The redrive command over a real SQS emulator (fauxqs on loopback): the two kinds of failed
 * event are replayed on the function that failed them and deleted; anything else stays, named.
 * Lambda has no emulator here: the invoker records what it is asked to start.
 */
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs"
import { Effect, Layer, Schema } from "effect"
import type { TradeBatch } from "@blockchaincore/core/trade/TradeBatch"
import { encodeMessageBody, TradeBatchFromMessageBody } from "@blockchaincore/aws/sqs/MessageBody"
import { messageGroupOf } from "@blockchaincore/aws/sqs/SqsTradeQueue"
import { type FauxqsServer, startFauxqs } from "fauxqs"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { FunctionInvoker, InvokeFailed, redrive } from "./ops/Redrive.ts"
import { redriveTrades } from "./ops/TradesRedrive.ts"

const T0 = Date.UTC(2024, 7, 8, 23, 54)

let sqs: FauxqsServer
let client: SQSClient

beforeAll(async () => {
  sqs = await startFauxqs({ port: 0, host: "127.0.0.1", logger: false })
  client = new SQSClient({ endpoint: `http://127.0.0.1:${sqs.port}`, region: "ap-northeast-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } })
})
afterAll(async () => {
  await sqs.stop()
})

const ARCHIVAL = "arn:aws:lambda:ap-northeast-1:123456789012:function:blockchaincore-dev-archival"
const HISTORY = "arn:aws:lambda:ap-northeast-1:123456789012:function:blockchaincore-dev-history"
const event = (id: string) => ({ version: "0", id, source: "blockchaincore.market", "detail-type": "CandleClosed", detail: { _tag: "CandleClosed" } })

describe("npm run aws:redrive", () => {
  it("replays Lambda failure records and undelivered bus events on their functions, keeps the rest", async () => {
    const { queueUrl } = sqs.createQueue("failures")
    const send = (body: string, target?: string) =>
      client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: body,
          ...(target === undefined ? {} : { MessageAttributes: { TARGET_ARN: { DataType: "String", StringValue: target } } })
        })
      )
    await send(
      JSON.stringify({
        version: "1.0",
        requestContext: { requestId: "r1", functionArn: `${ARCHIVAL}:$LATEST`, condition: "RetriesExhausted", approximateInvokeCount: 3 },
        requestPayload: event("e1"),
        responsePayload: { errorMessage: "S3 down" }
      })
    )
    await send(JSON.stringify(event("e2")), HISTORY)
    await send("not json at all")
    await send(JSON.stringify(event("e3")))

    const invoked: Array<[string, unknown]> = []
    const invoker = Layer.succeed(FunctionInvoker, FunctionInvoker.of({ invoke: (arn, e) => Effect.sync(() => void invoked.push([arn, e])) }))
    const report = await Effect.runPromise(redrive(client, queueUrl, 1).pipe(Effect.provide(invoker)))

    expect(invoked).toEqual([
      [ARCHIVAL, event("e1")],
      [HISTORY, event("e2")]
    ])
    expect(report.replayed).toBe(2)
    expect(report.kept).toHaveLength(2)
    expect(report.kept.join("\n")).toMatch(/the body is not JSON/)
    expect(report.kept.join("\n")).toMatch(/without a Lambda TARGET_ARN/)
    // The replayed ones are gone; the kept ones come back after their visibility timeout.
    expect(sqs.inspectQueue("failures")?.messages.ready.length ?? 0).toBe(0)
    expect(sqs.inspectQueue("failures")?.messages.inflight.length ?? 0).toBe(2)
  })

  it("keeps a message whose replay fails", async () => {
    const { queueUrl } = sqs.createQueue("failures-2")
    await client.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify(event("e4")),
        MessageAttributes: { TARGET_ARN: { DataType: "String", StringValue: HISTORY } }
      })
    )
    const invoker = Layer.succeed(FunctionInvoker, FunctionInvoker.of({ invoke: () => Effect.fail(new InvokeFailed({ message: "throttled" })) }))
    const report = await Effect.runPromise(redrive(client, queueUrl, 0).pipe(Effect.provide(invoker)))
    expect(report).toEqual({ replayed: 0, kept: [expect.stringMatching(/throttled/)] })
    const again = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }))
    expect(again.Messages?.map((m) => m.Body)).toEqual([JSON.stringify(event("e4"))])
  })

  it("sends the trades dead-letter queue's batches back to the trades queue, each group in its order, and keeps what is not a batch", async () => {
    const dead = sqs.createQueue("trades-dead.fifo", { attributes: { FifoQueue: "true" } }).queueUrl
    const trades = sqs.createQueue("trades.fifo", { attributes: { FifoQueue: "true" } }).queueUrl
    const batchOf = (symbol: string, firstId: number): TradeBatch => ({
      shard: 0,
      epoch: 1,
      symbols: [{ symbol, watermark: T0 + firstId, trades: [[firstId, 6_183_763_000_000n, 2_000_000n, T0 + firstId, true]] }]
    })
    const sent = [batchOf("BTCUSDT", 1), batchOf("ETHUSDT", 1), batchOf("BTCUSDT", 2), batchOf("BTCUSDT", 3), batchOf("ETHUSDT", 2)]
    for (const [i, batch] of sent.entries()) {
      await client.send(
        new SendMessageCommand({
          QueueUrl: dead,
          MessageBody: encodeMessageBody(batch),
          MessageGroupId: messageGroupOf(batch),
          MessageDeduplicationId: `d${i}`
        })
      )
    }
    await client.send(new SendMessageCommand({ QueueUrl: dead, MessageBody: "not a batch", MessageGroupId: "BTCUSDT", MessageDeduplicationId: "garbage" }))

    const report = await Effect.runPromise(redriveTrades(client, dead, trades, 0))
    expect(report.replayed).toBe(5)
    expect(report.kept).toEqual([expect.stringMatching(/not a trade batch/)])
    // Received as the pipe receives them: each group's batches in the order they were first sent.
    const back: Array<[string, number]> = []
    for (let round = 0; round < 5 && back.length < 5; round++) {
      const page = await client.send(new ReceiveMessageCommand({ QueueUrl: trades, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ["MessageGroupId"] }))
      for (const m of page.Messages ?? []) {
        const batch = Schema.decodeUnknownSync(TradeBatchFromMessageBody)(m.Body ?? "")
        back.push([m.Attributes?.["MessageGroupId"] ?? "?", batch.symbols[0]?.trades[0]?.[0] ?? 0])
        await client.send(new DeleteMessageCommand({ QueueUrl: trades, ReceiptHandle: m.ReceiptHandle }))
      }
    }
    const ids = (group: string) => back.filter(([g]) => g === group).map(([, id]) => id)
    expect([ids("BTCUSDT"), ids("ETHUSDT")]).toEqual([
      [1, 2, 3],
      [1, 2]
    ])
    expect(sqs.inspectQueue("trades-dead.fifo")?.messages.ready.length ?? 0).toBe(0)
  })
})
