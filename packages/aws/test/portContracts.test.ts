/**
 * Every port's contract (testkit/contracts) on AWS's adapters: the stores against dynalite with
 * the stage's tables, the trades queue against a FIFO queue on fauxqs, the archive against s3rver,
 * the notifier against an SNS topic on fauxqs with a queue subscribed, as a mailbox would be.
 */
import { alertConditionsContract } from "@blockchaincore/testkit/contracts/alertConditionsContract"
import { candleStoreContract } from "@blockchaincore/testkit/contracts/candleStoreContract"
import { engineStateStoreContract } from "@blockchaincore/testkit/contracts/engineStateStoreContract"
import { eventHistoryContract } from "@blockchaincore/testkit/contracts/eventHistoryContract"
import { startDynalite, startS3rver } from "@blockchaincore/testkit/awsStandIns"
import { freshContext } from "@blockchaincore/testkit/contracts/freshStore"
import { tradeArchiveContract } from "@blockchaincore/testkit/contracts/tradeArchiveContract"
import { TradeArchive } from "@blockchaincore/core/ports/TradeArchive"
import { TradeStaging } from "@blockchaincore/core/ports/TradeStaging"
import { GetObjectCommand, NoSuchKey } from "@aws-sdk/client-s3"
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { layerS3TradeArchive } from "../src/s3/S3TradeArchive.ts"
import { ARCHIVE_PREFIX, layerS3TradeStaging } from "../src/s3/S3TradeStaging.ts"
import type { TableKeys } from "../src/dynamodb/Tables.ts"
import { ALERT_CONDITIONS_TABLE, CANDLES_TABLE, HISTORY_TABLE, STATE_TABLE, tablesNamed } from "../src/dynamodb/Tables.ts"
import { makeDynamoAlertConditions } from "../src/dynamodb/DynamoAlertConditions.ts"
import { makeDynamoCandleStore } from "../src/dynamodb/DynamoCandleStore.ts"
import { makeDynamoEngineStateStore } from "../src/dynamodb/DynamoEngineStateStore.ts"
import { makeDynamoEventHistory } from "../src/dynamodb/DynamoEventHistory.ts"
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb"
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs"
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns"
import { notifierContract } from "@blockchaincore/testkit/contracts/notifierContract"
import { makeSnsNotifier } from "../src/sns/SnsNotifier.ts"
import { Context, Layer, Schema } from "effect"
import { startFauxqs } from "fauxqs"
import type { TradeBatch } from "@blockchaincore/core/trade/TradeBatch"
import { tradeQueueContract } from "@blockchaincore/testkit/contracts/tradeQueueContract"
import { TEST_CREDENTIALS } from "@blockchaincore/testkit/wireFake"
import { TradeBatchFromMessageBody } from "../src/sqs/MessageBody.ts"
import { makeSqsTradeQueue, TRACEPARENT_ATTRIBUTE } from "../src/sqs/SqsTradeQueue.ts"

/** A dynalite of its own with one table, "contract". */
const onDynalite =
  <S>(keys: TableKeys, make: (client: DynamoDBClient) => S) =>
  async () => {
    const dynamo = await startDynalite(tablesNamed({ contract: keys }))
    return { store: make(dynamo.client), close: dynamo.close }
  }

candleStoreContract(
  "DynamoDB",
  onDynalite(CANDLES_TABLE, (client) => makeDynamoCandleStore({ client, candlesTable: "contract" }))
)
engineStateStoreContract(
  "DynamoDB",
  onDynalite(STATE_TABLE, (client) => makeDynamoEngineStateStore({ client, stateTable: "contract" }))
)
alertConditionsContract(
  "DynamoDB",
  onDynalite(ALERT_CONDITIONS_TABLE, (client) => makeDynamoAlertConditions(client, "contract"))
)
eventHistoryContract(
  "DynamoDB",
  onDynalite(HISTORY_TABLE, (client) => makeDynamoEventHistory(client, "contract"))
)

tradeQueueContract("SQS FIFO", async () => {
  const fauxqs = await startFauxqs({ port: 0, host: "127.0.0.1", logger: false })
  const endpoint = `http://127.0.0.1:${fauxqs.port}`
  const client = new SQSClient({ endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS })
  await client.send(new CreateQueueCommand({ QueueName: "trades.fifo", Attributes: { FifoQueue: "true" } }))
  const queueUrl = `${endpoint}/000000000000/trades.fifo`
  // As the pipe reads it: ten at a time, each deleted once read, so its group's next is handed out
  // (bounded: 100 receives); the trace context travels beside the body, as a message attribute.
  const receiveAll = async () => {
    const received: Array<TradeBatch> = []
    for (let i = 0; i < 100; i++) {
      const { Messages = [] } = await client.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: [TRACEPARENT_ATTRIBUTE] })
      )
      if (Messages.length === 0) return received
      for (const m of Messages) {
        const traceparent = m.MessageAttributes?.[TRACEPARENT_ATTRIBUTE]?.StringValue
        received.push({ ...Schema.decodeUnknownSync(TradeBatchFromMessageBody)(m.Body), ...(traceparent === undefined ? {} : { traceparent }) })
      }
      await client.send(
        new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle })) })
      )
    }
    throw new Error("the queue still held messages after 100 receives")
  }
  return {
    store: { queue: makeSqsTradeQueue({ client, queueUrl, maxAttempts: 3, baseDelayMillis: 10 }), receiveAll },
    close: () => fauxqs.stop()
  }
})

tradeArchiveContract("S3", async () => {
  const s3 = await startS3rver("archive")
  const { store: built, close } = await freshContext(
    Layer.merge(layerS3TradeArchive({ client: s3.client, bucket: "archive" }), layerS3TradeStaging({ client: s3.client, bucket: "archive" }))
  )
  const scratch = mkdtempSync(join(tmpdir(), "archive-contract-"))
  // Downloaded as Athena or a user would read it.
  const fileOf = async (key: string) => {
    const object = await s3.client.send(new GetObjectCommand({ Bucket: "archive", Key: `${ARCHIVE_PREFIX}${key}` })).catch((e: unknown) => {
      if (e instanceof NoSuchKey) return undefined
      throw e
    })
    if (object === undefined) return undefined
    const file = join(scratch, key)
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, (await object.Body?.transformToByteArray()) ?? new Uint8Array())
    return file
  }
  return {
    store: { staging: Context.get(built, TradeStaging), archive: Context.get(built, TradeArchive), fileOf },
    close: async () => {
      await close()
      await s3.close()
    }
  }
})

/** An SNS notification as a subscribed queue holds it (not raw): what an e-mail shows is its subject and message. */
const SnsDelivery = Schema.fromJsonString(
  Schema.Struct({
    Subject: Schema.optionalKey(Schema.String),
    Message: Schema.String,
    MessageAttributes: Schema.optionalKey(Schema.Record(Schema.String, Schema.Struct({ Value: Schema.String })))
  })
)

notifierContract("SNS", async () => {
  const fauxqs = await startFauxqs({ port: 0, host: "127.0.0.1", logger: false })
  const config = { endpoint: `http://127.0.0.1:${fauxqs.port}`, region: "us-east-1", credentials: TEST_CREDENTIALS }
  const sns = new SNSClient(config)
  const sqs = new SQSClient(config)
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: "alerts" }))).TopicArn ?? ""
  await sqs.send(new CreateQueueCommand({ QueueName: "inbox" }))
  const inbox = `${config.endpoint}/000000000000/inbox`
  const inboxArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: inbox, AttributeNames: ["QueueArn"] }))).Attributes?.["QueueArn"] ?? ""
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: inboxArn }))
  const received: Array<{ text: string; urgent: boolean }> = []
  // Bounded: 20 receives of what the inbox holds now.
  const receive = async () => {
    for (let i = 0; i < 20; i++) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: inbox, MaxNumberOfMessages: 10 }))
      if (Messages.length === 0) return received
      for (const m of Messages) {
        const note = Schema.decodeUnknownSync(SnsDelivery)(m.Body)
        received.push({ text: `${note.Subject ?? ""}\n${note.Message}`, urgent: note.MessageAttributes?.["severity"]?.Value !== "info" })
      }
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: inbox, Entries: Messages.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle })) }))
    }
    throw new Error("the inbox still held messages after 20 receives")
  }
  return { store: { notifier: makeSnsNotifier({ client: sns, topicArn, maxAttempts: 3, baseDelayMillis: 10 }), received: receive }, close: () => fauxqs.stop() }
})
