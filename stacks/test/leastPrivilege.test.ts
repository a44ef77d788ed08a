/**
 * Least privilege enforced, not only asserted: moto_server with IAM enforcement on
 * (INITIAL_NO_AUTH_ACTION_COUNT: after the first three calls, which make an operator, every
 * request must be signed by an identity moto knows and is checked against its policies). Each
 * role is built from the program's synthesized policy for it (the offline run), assumed through
 * STS, and the project's own adapters make their real calls under it: every call the code makes
 * is allowed, and a call outside the role (the API writing a candle, the producer receiving from
 * its queue) is refused.
 *
 * What moto checks: actions for every service, and resources where it resolves them (SQS, S3,
 * IAM, STS). DynamoDB requests reach its policy check with the resource `*`, so a statement naming
 * a table could never match there: DynamoDB statements go to moto with `*` and are checked by
 * action; their tables are asserted exactly in infrastructure.test.ts. So are the archival
 * consumer's S3 grants: moto's signature check refuses a key holding `=` (every Hive partition of
 * the archive, `hour=…`), so its calls cannot run here under a role.
 */
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb"
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, IAMClient, PutRolePolicyCommand, PutUserPolicyCommand } from "@aws-sdk/client-iam"
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs"
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { TradeBatch } from "@blockchaincore/core/trade/TradeBatch"
import { makeDynamoCandleStore } from "@blockchaincore/aws/dynamodb/DynamoCandleStore"
import { makeDynamoEngineStateStore } from "@blockchaincore/aws/dynamodb/DynamoEngineStateStore"
import { makeDynamoEventHistory } from "@blockchaincore/aws/dynamodb/DynamoEventHistory"
import { CANDLES_TABLE, createTableInput, HISTORY_TABLE, STATE_TABLE, type TableKeys } from "@blockchaincore/aws/dynamodb/Tables"
import { makeSqsTradeQueue } from "@blockchaincore/aws/sqs/SqsTradeQueue"
import { candleAt, snapshotOf } from "@blockchaincore/testkit/builders"
import { MOTO_ACCOUNT, type Moto, startMoto } from "@blockchaincore/testkit/motoServer"
import { type OfflineRun, runOffline } from "./offline/offlineApp.ts"

const REGION = "ap-northeast-1"
const FREE_CALLS = 3
let dev: OfflineRun
let moto: Moto
let operator: { accessKeyId: string; secretAccessKey: string }
const physical = (type: string, name: string) => {
  const found = dev.resources.find((r) => r.type === type && r.name === name)
  if (found === undefined) throw new Error(`no ${type} ${name}`)
  return found
}
const table = (name: string) => physical("aws:dynamodb/table:Table", `${name}Table`).physical
let tradesUrl = ""
let otherUrl = ""

beforeAll(async () => {
  dev = await runOffline("dev", "config")
  moto = await startMoto({ INITIAL_NO_AUTH_ACTION_COUNT: String(FREE_CALLS) })
  const free = { region: REGION, endpoint: moto.url, credentials: { accessKeyId: "anonymous", secretAccessKey: "anonymous" } }
  const iam = new IAMClient(free)
  await iam.send(new CreateUserCommand({ UserName: "operator" }))
  await iam.send(
    new PutUserPolicyCommand({
      UserName: "operator",
      PolicyName: "all",
      PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] })
    })
  )
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "operator" }))).AccessKey
  operator = { accessKeyId: key?.AccessKeyId ?? "", secretAccessKey: key?.SecretAccessKey ?? "" }
  const as = { region: REGION, endpoint: moto.url, credentials: operator }
  const dynamo = new DynamoDBClient(as)
  const create = (name: string, keys: TableKeys) => dynamo.send(new CreateTableCommand(createTableInput(name, keys)))
  await create(table("Candles"), CANDLES_TABLE)
  await create(table("EngineState"), STATE_TABLE)
  await create(table("History"), HISTORY_TABLE)
  const sqs = new SQSClient(as)
  const trades = physical("aws:sqs/queue:Queue", "TradesQueue").physical
  tradesUrl = (await sqs.send(new CreateQueueCommand({ QueueName: trades, Attributes: { FifoQueue: "true" } }))).QueueUrl ?? ""
  otherUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "someone-elses.fifo", Attributes: { FifoQueue: "true" } }))).QueueUrl ?? ""
}, 180_000)
afterAll(() => moto?.close())

/**
 * The role's inline policies as synthesized, in the forms moto takes: DynamoDB's resources as `*`
 * (see above), S3's ARNs without region and account (the offline run names every resource
 * `arn:aws:<service>:<region>:<account>:<name>`), and SendMessageBatch beside SendMessage (AWS
 * authorizes a batch by sqs:SendMessage; moto asks for the batch's own action).
 */
const policiesOf = (role: string): ReadonlyArray<{ name: string; policy: string }> => {
  const inline = physical("aws:iam/role:Role", role).inputs["inlinePolicies"]
  if (!Array.isArray(inline)) throw new Error(`${role} has no inline policies`)
  return inline.map((p: { name?: unknown; policy: unknown }, i) => {
    const document: { Statement: Array<{ Action: Array<string>; Resource?: unknown }> } = JSON.parse(String(p.policy))
    for (const s of document.Statement) {
      if (s.Action.every((a) => a.startsWith("dynamodb:"))) s.Resource = ["*"]
      if (Array.isArray(s.Resource)) s.Resource = s.Resource.map((r) => String(r).replace(`arn:aws:s3:${REGION}:${MOTO_ACCOUNT}:`, "arn:aws:s3:::"))
      if (s.Action.includes("sqs:SendMessage")) s.Action = [...s.Action, "sqs:SendMessageBatch"]
    }
    return { name: typeof p.name === "string" ? p.name : `policy${i}`, policy: JSON.stringify(document) }
  })
}

/** Credentials of the role, made in moto from its synthesized policy and assumed through STS. */
const assume = async (role: string) => {
  const as = { region: REGION, endpoint: moto.url, credentials: operator }
  const iam = new IAMClient(as)
  const arn =
    (
      await iam.send(
        new CreateRoleCommand({
          RoleName: role,
          AssumeRolePolicyDocument: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${MOTO_ACCOUNT}:user/operator` }, Action: "sts:AssumeRole" }]
          })
        })
      )
    ).Role?.Arn ?? ""
  for (const { name, policy } of policiesOf(role)) await iam.send(new PutRolePolicyCommand({ RoleName: role, PolicyName: name, PolicyDocument: policy }))
  const c = (await new STSClient(as).send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: "test" }))).Credentials
  return {
    region: REGION,
    endpoint: moto.url,
    maxAttempts: 1,
    credentials: { accessKeyId: c?.AccessKeyId ?? "", secretAccessKey: c?.SecretAccessKey ?? "", sessionToken: c?.SessionToken ?? "" }
  }
}

const T0 = Date.UTC(2024, 7, 8, 23, 54)
const refused = (effect: Effect.Effect<unknown, { message: string }>) => Effect.runPromise(Effect.flip(effect)).then((e) => e.message)
/**
 * moto answers a denial as an XML AccessDenied, which the SDK of a JSON protocol reports as a body
 * it cannot read; the adapters' errors carry that text. A direct call shows it is a 403.
 */
const statusOf = (call: Promise<unknown>) =>
  call.then(
    () => 200,
    (e: unknown) =>
      typeof e === "object" && e !== null && "$metadata" in e && typeof e.$metadata === "object" && e.$metadata !== null && "httpStatusCode" in e.$metadata
        ? e.$metadata.httpStatusCode
        : "no status"
  )
const DENIED = /AccessDenied|not authorized|"<\?xml vers"|'<', "<\?xml/

describe("least privilege, enforced by moto's IAM", () => {
  it("the API reads candles, symbols and history, and cannot write a candle or state", async () => {
    const client = new DynamoDBClient(await assume("ApiRole"))
    const store = makeDynamoCandleStore({ client, candlesTable: table("Candles") })
    await Effect.runPromise(store.candles({ symbol: "BTCUSDT", interval: "1m", limit: 5 }))
    await Effect.runPromise(store.symbols())
    await Effect.runPromise(makeDynamoEventHistory(client, table("History")).anomalies(10))
    expect(await refused(store.putCandles([candleAt("BTCUSDT", T0)]))).toMatch(DENIED)
    const states = makeDynamoEngineStateStore({ client, stateTable: table("EngineState") })
    expect(await refused(states.saveState("BTCUSDT", snapshotOf("BTCUSDT", 3, T0), 0))).toMatch(DENIED)
    expect(
      await statusOf(client.send(new PutItemCommand({ TableName: table("Candles"), Item: { series: { S: "BTCUSDT#1m" }, openTime: { N: String(T0) } } })))
    ).toBe(403)
  })

  it("the processor writes candles and its state, and cannot read the candles back", async () => {
    const client = new DynamoDBClient(await assume("ProcessorRole"))
    const store = makeDynamoCandleStore({ client, candlesTable: table("Candles") })
    await Effect.runPromise(store.putCandles([candleAt("BTCUSDT", T0)]))
    const states = makeDynamoEngineStateStore({ client, stateTable: table("EngineState") })
    await Effect.runPromise(states.saveState("BTCUSDT", snapshotOf("BTCUSDT", 3, T0), 0))
    await Effect.runPromise(states.loadState("BTCUSDT"))
    expect(await refused(store.candles({ symbol: "BTCUSDT", interval: "1m", limit: 5 }))).toMatch(DENIED)
  })

  it("the producer sends to its queue only (not to another queue, and it cannot receive), reads its resume points without writing them, and warms candles", async () => {
    const credentials = await assume("ProducerTaskRole")
    const sqs = new SQSClient(credentials)
    const batch: TradeBatch = { shard: 0, epoch: 1, symbols: [{ symbol: "BTCUSDT", watermark: T0, trades: [[1, 6_183_763_000_000n, 2_000_000n, T0, true]] }] }
    await Effect.runPromise(makeSqsTradeQueue({ client: sqs, queueUrl: tradesUrl, maxAttempts: 1, baseDelayMillis: 1 }).publish([batch]))
    expect(await refused(makeSqsTradeQueue({ client: sqs, queueUrl: otherUrl, maxAttempts: 1, baseDelayMillis: 1 }).publish([batch]))).toMatch(DENIED)
    expect(await statusOf(sqs.send(new ReceiveMessageCommand({ QueueUrl: tradesUrl })))).toBe(403)
    // Its resume points: read, never written.
    const states = makeDynamoEngineStateStore({ client: new DynamoDBClient(credentials), stateTable: table("EngineState") })
    await Effect.runPromise(states.loadState("BTCUSDT"))
    await Effect.runPromise(states.symbolsWithGaps)
    expect(await refused(states.saveState("BTCUSDT", snapshotOf("BTCUSDT", 3, T0), 0))).toMatch(DENIED)
    // The warm start: reads the candles held, writes the exchange's klines.
    const store = makeDynamoCandleStore({ client: new DynamoDBClient(credentials), candlesTable: table("Candles") })
    await Effect.runPromise(store.candles({ symbol: "BTCUSDT", interval: "1m", limit: 5 }))
    await Effect.runPromise(store.putCandles([candleAt("SOLUSDT", T0)]))
  })
})
