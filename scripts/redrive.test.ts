/**
 * The redrive command over a real SQS emulator (fauxqs on loopback): the two kinds of failed
 * event are replayed on the function that failed them and deleted; anything else stays, named.
 * Lambda has no emulator here: the invoker records what it is asked to start.
 */
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs"
import { Effect, Layer } from "effect"
import { type FauxqsServer, startFauxqs } from "fauxqs"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { FunctionInvoker, InvokeFailed, redrive } from "./ops/Redrive.ts"

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
      client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body, ...(target === undefined ? {} : { MessageAttributes: { TARGET_ARN: { DataType: "String", StringValue: target } } }) }))
    await send(JSON.stringify({ version: "1.0", requestContext: { requestId: "r1", functionArn: `${ARCHIVAL}:$LATEST`, condition: "RetriesExhausted", approximateInvokeCount: 3 }, requestPayload: event("e1"), responsePayload: { errorMessage: "S3 down" } }))
    await send(JSON.stringify(event("e2")), HISTORY)
    await send("not json at all")
    await send(JSON.stringify(event("e3")))

    const invoked: Array<[string, unknown]> = []
    const invoker = Layer.succeed(FunctionInvoker, FunctionInvoker.of({ invoke: (arn, e) => Effect.sync(() => void invoked.push([arn, e])) }))
    const report = await Effect.runPromise(redrive(client, queueUrl, 1).pipe(Effect.provide(invoker)))

    expect(invoked).toEqual([[ARCHIVAL, event("e1")], [HISTORY, event("e2")]])
    expect(report.replayed).toBe(2)
    expect(report.kept).toHaveLength(2)
    expect(report.kept.join("\n")).toMatch(/the body is not JSON/)
    expect(report.kept.join("\n")).toMatch(/without a Lambda TARGET_ARN/)
    // The replayed ones are gone; the kept ones come back after their visibility timeout.
    expect(sqs.inspectQueue("failures")?.messages.ready.length ?? 0).toBe(0)
    expect((sqs.inspectQueue("failures")?.messages.inflight.length ?? 0)).toBe(2)
  })

  it("keeps a message whose replay fails", async () => {
    const { queueUrl } = sqs.createQueue("failures-2")
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(event("e4")), MessageAttributes: { TARGET_ARN: { DataType: "String", StringValue: HISTORY } } }))
    const invoker = Layer.succeed(FunctionInvoker, FunctionInvoker.of({ invoke: () => Effect.fail(new InvokeFailed({ message: "throttled" })) }))
    const report = await Effect.runPromise(redrive(client, queueUrl, 0).pipe(Effect.provide(invoker)))
    expect(report).toEqual({ replayed: 0, kept: [expect.stringMatching(/throttled/)] })
    const again = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }))
    expect(again.Messages?.map((m) => m.Body)).toEqual([JSON.stringify(event("e4"))])
  })
})
