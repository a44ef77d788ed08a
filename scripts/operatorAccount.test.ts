/**
 * The operator scripts as a user runs them (`npm run aws:monitor|aws:redrive|aws:backfill -- --stage
 * S --region R`), against an emulated account: moto_server on loopback, reached through the
 * SDK's standard AWS_ENDPOINT_URL, holding the stage's resources as its outputs name them. Each
 * runs from a checkout of its own (the scripts copied, the packages linked) whose
 * `.sst/outputs.json` is the stage's, so this repository's is never touched. The stage's
 * CloudFront (the API) is a loopback stand-in answering Binance-shaped klines.
 * `aws:stop` is run against the same account in scripts/stop.test.ts, where `sst remove` can be
 * recorded; `aws:start` is `sst deploy`, which needs AWS itself.
 */
import { execFile } from "node:child_process"
import type { TradeBatch } from "@blockchaincore/core/trade/TradeBatch"
import { encodeMessageBody } from "@blockchaincore/aws/sqs/MessageBody"
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { createServer, request as httpRequest, type Server } from "node:http"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch"
import { CreateSecurityGroupCommand, DescribeSubnetsCommand, EC2Client } from "@aws-sdk/client-ec2"
import { CreateClusterCommand, DescribeTasksCommand, ECSClient, ListTasksCommand, RegisterTaskDefinitionCommand } from "@aws-sdk/client-ecs"
import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam"
import { CreateFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda"
import { CreatePipeCommand, PipesClient } from "@aws-sdk/client-pipes"
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { zipOf } from "@blockchaincore/testkit/archiveStandIn"
import { MOTO_ACCOUNT, MOTO_CREDENTIALS, type Moto, startMoto } from "@blockchaincore/testkit/motoServer"

const ROOT = resolve(import.meta.dirname, "..")
const REGION = "ap-northeast-1"
const STAGE = "ops"
const T0 = Date.UTC(2024, 7, 8, 23, 54)
let moto: Moto
let cloudfront: Server
let outputs: Record<string, string> = {}

const listen = async (server: Server) => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
  const address = server.address()
  return `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`
}

beforeAll(async () => {
  moto = await startMoto()
  const client = { region: REGION, endpoint: moto.url, credentials: MOTO_CREDENTIALS }
  const sqs = new SQSClient(client)
  const queue = async (name: string) => (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl ?? ""
  const trades = await queue("ops-Trades")
  const dead = await queue("ops-TradesDeadLetter")
  const failures = await queue("ops-ConsumerFailures")
  for (let i = 0; i < 4; i++) await sqs.send(new SendMessageCommand({ QueueUrl: trades, MessageBody: `batch ${i}` }))
  // A consumer's function, and what its failures left: a Lambda failure record, a bus event the bus
  // could not deliver to it, and a message that is neither. (moto takes an asynchronous invocation
  // of a function it does not have: a replay that fails is kept, as scripts/redrive.test.ts shows.)
  await withoutDocker(moto.url)
  const role =
    (
      await new IAMClient(client).send(
        new CreateRoleCommand({
          RoleName: "ops-history",
          AssumeRolePolicyDocument: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }]
          })
        })
      )
    ).Role?.Arn ?? ""
  const history =
    (
      await new LambdaClient(client).send(
        new CreateFunctionCommand({
          FunctionName: "ops-history",
          Runtime: "nodejs24.x",
          Role: role,
          Handler: "index.handler",
          Code: { ZipFile: zipOf("index.mjs", "export const handler = async () => {}") }
        })
      )
    ).FunctionArn ?? ""
  const event = (id: string) => ({ version: "0", id, source: "blockchaincore.market", "detail-type": "AnomalyDetected", detail: { _tag: "AnomalyDetected" } })
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: failures,
      MessageBody: JSON.stringify({
        version: "1.0",
        requestContext: { requestId: "r1", functionArn: `${history}:$LATEST`, condition: "RetriesExhausted", approximateInvokeCount: 3 },
        requestPayload: event("e1"),
        responsePayload: { errorMessage: "DynamoDB throttled" }
      })
    })
  )
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: failures,
      MessageBody: JSON.stringify(event("e2")),
      MessageAttributes: { TARGET_ARN: { DataType: "String", StringValue: history } }
    })
  )
  await sqs.send(new SendMessageCommand({ QueueUrl: failures, MessageBody: "not json at all" }))
  await sqs.send(new SendMessageCommand({ QueueUrl: dead, MessageBody: "a batch that failed five times" }))
  const arnOf = async (url: string) =>
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }))).Attributes?.["QueueArn"] ?? ""
  await new PipesClient(client).send(
    new CreatePipeCommand({
      Name: "ops-TradesPipe",
      RoleArn: `arn:aws:iam::${MOTO_ACCOUNT}:role/pipe`,
      Source: await arnOf(trades),
      Target: `arn:aws:lambda:${REGION}:${MOTO_ACCOUNT}:function:ops-Processor`,
      DesiredState: "RUNNING"
    })
  )
  await new CloudWatchClient(client).send(
    new PutMetricDataCommand({
      Namespace: "AWS/Lambda",
      MetricData: [
        { MetricName: "Invocations", Dimensions: [{ Name: "FunctionName", Value: "ops-Processor" }], Value: 120, Timestamp: new Date(Date.now() - 600_000) },
        { MetricName: "Errors", Dimensions: [{ Name: "FunctionName", Value: "ops-Processor" }], Value: 2, Timestamp: new Date(Date.now() - 600_000) }
      ]
    })
  )
  const ecs = new ECSClient(client)
  await ecs.send(new CreateClusterCommand({ clusterName: "ops-Cluster" }))
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: "ops-Backfill",
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: "1024",
      memory: "2048",
      containerDefinitions: [{ name: "Backfill", image: "producer:latest", memory: 2048 }]
    })
  )
  // The stage's subnets and security group, as its VPC has them.
  const ec2 = new EC2Client(client)
  const subnets = ((await ec2.send(new DescribeSubnetsCommand({}))).Subnets ?? []).flatMap((s) => (s.SubnetId === undefined ? [] : [s.SubnetId])).slice(0, 2)
  const group = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: "ops-backfill", Description: "the backfill task" }))).GroupId ?? ""
  // The stage's CloudFront: the read API in Binance's shape.
  cloudfront = createServer((req, res) => {
    const path = req.url ?? ""
    res.writeHead(200, { "content-type": "application/json" })
    res.end(
      JSON.stringify(
        path.startsWith("/api/v3/exchangeInfo")
          ? { symbols: [{ symbol: "BTCUSDT" }] }
          : [[T0, "61234.00000001", "61300.00000000", "61200.00000000", "61234.56789012"]]
      )
    )
  })
  outputs = {
    stage: STAGE,
    region: REGION,
    queue: trades,
    deadLetterQueue: dead,
    consumerFailures: failures,
    bus: "ops-Market",
    pipe: "ops-TradesPipe",
    api: "https://refused-directly.lambda-url.ap-northeast-1.on.aws/",
    dashboard: await listen(cloudfront),
    archive: "ops-archive",
    athenaWorkgroup: "ops",
    glueDatabase: "blockchaincore_ops",
    producer: "ops-Producer",
    cluster: "ops-Cluster",
    functions: "ops-Processor",
    backfillTask: "ops-Backfill",
    backfillContainer: "Backfill",
    backfillSubnets: subnets.join(","),
    backfillSecurityGroups: group
  }
})
const made: Array<string> = []
afterAll(async () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true })
  await moto?.close()
  await new Promise<void>((r) => cloudfront.close(() => r()))
})

/** moto's Lambda without Docker: an invocation is taken (202) and not run. */
const withoutDocker = (url: string) =>
  new Promise<void>((done, fail) => {
    const body = JSON.stringify({ lambda: { use_docker: false } })
    const request = httpRequest(
      `${url}/moto-api/config`,
      { method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (response) => {
        response.resume()
        response.on("end", () => (response.statusCode === 200 || response.statusCode === 201 ? done() : fail(new Error(`moto config: ${response.statusCode}`))))
      }
    )
    request.on("error", fail)
    request.end(body)
  })

/** A checkout of its own: the scripts copied (their root is where they are), the rest linked, the stage's outputs written. */
const checkout = () => {
  const root = mkdtempSync(join(tmpdir(), "operator-"))
  made.push(root)
  for (const linked of ["packages", "stacks", "node_modules"]) symlinkSync(join(ROOT, linked), join(root, linked))
  cpSync(join(ROOT, "scripts"), join(root, "scripts"), { recursive: true })
  copyFileSync(join(ROOT, "package.json"), join(root, "package.json"))
  mkdirSync(join(root, ".sst"))
  writeFileSync(join(root, ".sst/outputs.json"), JSON.stringify(outputs))
  return root
}

/** `npm run <script> -- <args>` in that checkout, with the emulated account as the SDK's endpoint. */
const npmRun = (script: string, args: ReadonlyArray<string>) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(
      "npm",
      ["run", "--silent", script, "--", ...args],
      {
        cwd: checkout(),
        env: {
          ...process.env,
          AWS_ENDPOINT_URL: moto.url,
          AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
          AWS_REGION: REGION
        },
        timeout: 60_000
      },
      (error, stdout, stderr) => done({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr })
    )
  })

describe("the operator scripts against an emulated account", () => {
  it("aws:monitor shows the queues, the pipe, the functions' calls and the last candle through CloudFront", async () => {
    const run = await npmRun("aws:monitor", ["--stage", STAGE, "--region", REGION])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toContain(`stage ${STAGE} on AWS`)
    expect(run.stdout).toMatch(/queue\s+4 waiting, 0 in flight, 1 dead letters/)
    expect(run.stdout).toMatch(/pipe\s+RUNNING/)
    expect(run.stdout).toMatch(/ops-Processor\s+120 calls\s+2 errors/)
    expect(run.stdout).toMatch(/BTCUSDT\s+2024-08-08 23:54\s+close 61234\.56789012/)
    expect(run.stdout).not.toMatch(/problems?.*(queue|pipe|functions|candles):/)
  })

  it("aws:redrive replays a failed event on its function, and keeps, naming why, what it cannot replay", async () => {
    const run = await npmRun("aws:redrive", ["--stage", STAGE, "--region", REGION])
    expect(run.code, run.stderr).toBe(3) // something was kept
    expect(run.stdout).toContain(`replayed 2 failed events of stage ${STAGE}`)
    expect(run.stdout).toContain(`sent 0 dead-lettered trade batches of stage ${STAGE} back to its trades queue`)
    expect(run.stdout.split("\n").filter((l) => l.startsWith("kept "))).toEqual([
      expect.stringMatching(/the body is not JSON/),
      expect.stringMatching(/not a trade batch/)
    ])
    // What was replayed is gone from the queue; what was kept is still there.
    const left = await new SQSClient({ region: REGION, endpoint: moto.url, credentials: MOTO_CREDENTIALS }).send(
      new GetQueueAttributesCommand({
        QueueUrl: outputs["consumerFailures"],
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
      })
    )
    expect(Number(left.Attributes?.["ApproximateNumberOfMessages"]) + Number(left.Attributes?.["ApproximateNumberOfMessagesNotVisible"])).toBe(1)
  })

  it("aws:redrive sends a removed stage's kept dead-letter queue into the redeployed stage's trades queue", async () => {
    const sqs = new SQSClient({ region: REGION, endpoint: moto.url, credentials: MOTO_CREDENTIALS })
    const kept = (await sqs.send(new CreateQueueCommand({ QueueName: "old-TradesDeadLetter" }))).QueueUrl ?? ""
    const batch: TradeBatch = { shard: 0, epoch: 1, symbols: [{ symbol: "BTCUSDT", watermark: T0, trades: [[1, 6_183_763_000_000n, 2_000_000n, T0, true]] }] }
    await sqs.send(new SendMessageCommand({ QueueUrl: kept, MessageBody: encodeMessageBody(batch) }))
    const waiting = async (url: string) =>
      Number(
        (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages"] }))).Attributes?.[
          "ApproximateNumberOfMessages"
        ]
      )
    const before = await waiting(outputs["queue"]!)
    const run = await npmRun("aws:redrive", ["--stage", STAGE, "--region", REGION, "--from-dead-letter", kept])
    expect(run.stdout, run.stderr).toContain(`sent 1 dead-lettered trade batches of stage ${STAGE} back to its trades queue`)
    expect([await waiting(kept), await waiting(outputs["queue"]!)]).toEqual([0, before + 1])
  })

  it("aws:backfill starts the stage's backfill task with the period as its environment", async () => {
    const run = await npmRun("aws:backfill", ["--stage", STAGE, "--region", REGION, "--symbols", "BTCUSDT", "--from", "2024-01-01", "--to", "2024-01-31"])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/^backfill BTCUSDT 2024-01-01 → 2024-01-31: task arn:aws:ecs:/m)
    const ecs = new ECSClient({ region: REGION, endpoint: moto.url, credentials: MOTO_CREDENTIALS })
    const arns = (await ecs.send(new ListTasksCommand({ cluster: "ops-Cluster" }))).taskArns ?? []
    expect(arns).toHaveLength(1)
    const [task] = (await ecs.send(new DescribeTasksCommand({ cluster: "ops-Cluster", tasks: arns }))).tasks ?? []
    expect(task?.overrides?.containerOverrides?.[0]).toMatchObject({
      name: "Backfill",
      environment: expect.arrayContaining([
        { name: "BACKFILL_SYMBOLS", value: "BTCUSDT" },
        { name: "BACKFILL_FROM", value: "2024-01-01" },
        { name: "BACKFILL_TO", value: "2024-01-31" }
      ])
    })
  })

  it("the scripts refuse another stage's outputs and name what is wrong, touching nothing", async () => {
    const run = await npmRun("aws:backfill", ["--stage", "prod", "--region", REGION, "--symbols", "BTCUSDT", "--from", "2024-01-01"])
    expect(run.code).not.toBe(0)
    expect(run.stderr).toContain(`aws:backfill: .sst/outputs.json holds stage ${STAGE} in ${REGION}, not prod`)
    expect(run.stderr).not.toMatch(/^\s+at /m)
  })
})
