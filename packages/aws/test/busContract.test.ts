/**
 * The event bus's contract (testkit/contracts) on the EventBridge adapter, against moto_server's
 * EventBridge: one rule per subscriber, each with an SQS queue as its target, and what a queue
 * received decoded as the consumer function decodes the event Lambda is handed.
 */
import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge"
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs"
import { Schema } from "effect"
import { afterAll } from "vitest"
import type { DomainEvent } from "@blockchaincore/core/events/DomainEvent"
import { eventBusContract, SUBSCRIBERS } from "@blockchaincore/testkit/contracts/eventBusContract"
import { MOTO_CREDENTIALS, type Moto, startMoto } from "@blockchaincore/testkit/motoServer"
import { BusEvent } from "../src/consumers/ConsumerFunction.ts"
import { makeEventBridgeEventBus } from "../src/eventbridge/EventBridgeEventBus.ts"

let moto: Promise<Moto> | undefined
afterAll(async () => (await moto)?.close())

let buses = 0

eventBusContract("EventBridge", async () => {
  moto ??= startMoto()
  const client = { region: "ap-northeast-1", endpoint: (await moto).url, credentials: MOTO_CREDENTIALS }
  const bridge = new EventBridgeClient(client)
  const sqs = new SQSClient(client)
  // A bus of its own per test, on the one moto_server.
  const busName = `market-${++buses}`
  await bridge.send(new CreateEventBusCommand({ Name: busName }))
  const queues = new Map<string, string>()
  for (const { name, pattern } of SUBSCRIBERS) {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: `${busName}-${name}` }))).QueueUrl ?? ""
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }))).Attributes?.["QueueArn"] ?? ""
    await bridge.send(new PutRuleCommand({ Name: name, EventBusName: busName, EventPattern: JSON.stringify(pattern) }))
    await bridge.send(new PutTargetsCommand({ Rule: name, EventBusName: busName, Targets: [{ Id: "queue", Arn: arn }] }))
    queues.set(name, url)
  }
  // moto delivers to a rule's target as PutEvents answers: by then the queue holds all (bounded: 50 receives).
  const delivered = async (name: string) => {
    const events: Array<DomainEvent> = []
    for (let i = 0; i < 50; i++) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.get(name), MaxNumberOfMessages: 10 }))
      if (Messages.length === 0) return events
      for (const m of Messages) events.push(Schema.decodeUnknownSync(Schema.fromJsonString(BusEvent))(m.Body).detail)
      await sqs.send(
        new DeleteMessageBatchCommand({ QueueUrl: queues.get(name), Entries: Messages.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle })) })
      )
    }
    throw new Error(`${name}'s queue still held messages after 50 receives`)
  }
  return {
    store: { bus: makeEventBridgeEventBus({ client: bridge, busName, maxAttempts: 3, baseDelayMillis: 10 }), delivered },
    close: async () => {}
  }
})
