/**
 * The whole infrastructure program, run offline under Pulumi's mocks (test/offline), asserted on
 * resource by resource: what a wrong pattern, a missing permission or a pipe pointed at the wrong
 * target would break in production, caught before any deploy.
 */
import { writeReadmeConsumer } from "@blockchaincore/testkit/readme"
import { beforeAll, describe, expect, it } from "vitest"
import { CANDLE_COLUMNS, candlesKey, columnsOf, TRADE_COLUMNS, tradesKey } from "@blockchaincore/adapters/formats/ArchiveLayout"
import { REGISTRY } from "@blockchaincore/services/consumers/ConsumerRegistry"
import type { Port } from "@blockchaincore/services/consumers/ConsumerDeclaration"
import { buildDashboard } from "@blockchaincore/web/build"
import { PRODUCER_V8_FLAG } from "@blockchaincore/aws/build"
import { MAX_RECEIVES } from "@blockchaincore/aws/sqs/TradesQueueReceipts"
import { SYMBOLS_INDEX, WITH_GAPS_INDEX } from "@blockchaincore/aws/dynamodb/Tables"
import { STAGING_EXPIRY_DAYS } from "../storage.ts"
import { type OfflineRun, type Resource, runOffline } from "./offline/offlineApp.ts"
import { all, arnOf, json, namedResources, one, parametersOf, roleStatements, type Statement, statementsOf, str } from "./offline/resources.ts"

let dev: OfflineRun
let prod: OfflineRun
let extra: OfflineRun

beforeAll(async () => {
  // The static site checks its build output exists (the build itself is the CLI's, mocked here).
  await buildDashboard("")
  dev = await runOffline("dev", "config")
  prod = await runOffline("prod", "config", {
    SST_SECRET_AlertEmail: "ops@example.com",
    SST_SECRET_AlertSms: "+15550100",
    BLOCKCHAINCORE_SYMBOLS: "btcusdt,ethusdt,solusdt"
  })
  // The README's "Add a consumer" example, pasted as it stands (packages/local/test/readme.test.ts runs it locally).
  extra = await runOffline("dev", "extra", { OFFLINE_EXTRA_CONSUMER: writeReadmeConsumer() })
})

describe("the infrastructure program, offline", () => {
  it("pipe: from the trades queue, through the enrichment function, to the processor function", () => {
    const pipe = one(dev, "aws:pipes/pipe:Pipe", "TradesPipe")
    const queue = one(dev, "aws:sqs/queue:Queue", "TradesQueue")
    const enrichment = one(dev, "aws:lambda/function:Function", "EnrichmentFunction")
    const processor = one(dev, "aws:lambda/function:Function", "ProcessorFunction")
    expect(pipe.inputs["source"]).toBe(arnOf(queue))
    expect(pipe.inputs["enrichment"]).toBe(arnOf(enrichment))
    expect(pipe.inputs["target"]).toBe(arnOf(processor))
    expect(pipe.inputs["targetParameters"]).toEqual({ lambdaFunctionParameters: { invocationType: "REQUEST_RESPONSE" } })
    expect(pipe.inputs["sourceParameters"]).toEqual({ sqsQueueParameters: { batchSize: 10 } })
    expect(pipe.inputs["desiredState"]).toBe("RUNNING")
    expect(enrichment.inputs["handler"]).toBe("packages/aws/src/handlers/enrichment.handler")

    // Its role: assumable by Pipes only, allowed exactly the queue, the two functions and its own log.
    const role = one(dev, "aws:iam/role:Role", "TradesPipeRole")
    expect(statementsOf(role.inputs["assumeRolePolicy"]).map((s) => s.Principal)).toEqual([{ Service: ["pipes.amazonaws.com"] }])
    const policy = one(dev, "aws:iam/rolePolicy:RolePolicy", "TradesPipePolicy")
    expect(statementsOf(policy.inputs["policy"]).map((s) => [s.Action, s.Resource])).toEqual([
      [["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], [arnOf(queue)]],
      [["lambda:InvokeFunction"], [arnOf(enrichment), arnOf(processor)]],
      [["logs:CreateLogStream", "logs:PutLogEvents"], [`${arnOf(one(dev, "aws:cloudwatch/logGroup:LogGroup", "TradesPipeLog"))}:*`]]
    ])
  })

  it("queue: FIFO, encrypted, redriven to an encrypted FIFO dead-letter queue after two hours of receipts", () => {
    const queue = one(dev, "aws:sqs/queue:Queue", "TradesQueue")
    const dlq = one(dev, "aws:sqs/queue:Queue", "TradesDeadLetterQueue")
    expect(queue.inputs).toMatchObject({ fifoQueue: true, contentBasedDeduplication: false, sqsManagedSseEnabled: true, visibilityTimeoutSeconds: 360 })
    expect(str(queue, "name")).toMatch(/\.fifo$/)
    expect(json(queue, "redrivePolicy")).toEqual({ deadLetterTargetArn: arnOf(dlq), maxReceiveCount: MAX_RECEIVES })
    expect(MAX_RECEIVES).toBe(21)
    expect(dlq.inputs).toMatchObject({ fifoQueue: true, sqsManagedSseEnabled: true, messageRetentionSeconds: 14 * 24 * 3600 })
  })

  it("bus: one rule per registry entry, each with exactly that entry's pattern, on the market bus", () => {
    const bus = one(dev, "aws:cloudwatch/eventBus:EventBus", "MarketBus")
    const rules = all(dev, "aws:cloudwatch/eventRule:EventRule")
    expect(rules).toHaveLength(REGISTRY.length)
    for (const consumer of REGISTRY) {
      const rule = one(dev, "aws:cloudwatch/eventRule:EventRule", `MarketSubscriber${consumer.name}Rule`)
      expect(json(rule, "eventPattern")).toEqual(consumer.pattern)
      expect(rule.inputs["eventBusName"]).toBe(bus.physical)
      const fn = one(dev, "aws:lambda/function:Function", `MarketSubscriber${consumer.name}FunctionFunction`)
      expect(fn.inputs["environment"]).toMatchObject({ variables: { CONSUMER: consumer.name } })
    }
  })

  it("registry: adding the README's example adds exactly its subscription: its rule with its pattern, its function, its failure destination", () => {
    const before = all(dev, "aws:cloudwatch/eventRule:EventRule").map((r) => r.name)
    const after = all(extra, "aws:cloudwatch/eventRule:EventRule").map((r) => r.name)
    expect(after.filter((n) => !before.includes(n))).toEqual(["MarketSubscriberhourlyClosesRule"])
    expect(before.filter((n) => !after.includes(n))).toEqual([])
    expect(json(one(extra, "aws:cloudwatch/eventRule:EventRule", "MarketSubscriberhourlyClosesRule"), "eventPattern")).toEqual({
      source: ["blockchaincore.market"],
      "detail-type": ["CandleClosed"],
      detail: { candle: { interval: ["1h"] } }
    })
    const fn = one(extra, "aws:lambda/function:Function", "MarketSubscriberhourlyClosesFunctionFunction")
    expect(fn.inputs["environment"]).toMatchObject({ variables: { CONSUMER: "hourlyCloses" } })
    const failures = one(extra, "aws:sqs/queue:Queue", "ConsumerFailuresQueue")
    expect(one(extra, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "hourlyClosesFailureDestination").inputs).toMatchObject({
      functionName: fn.physical,
      destinationConfig: { onFailure: { destination: failures.arn } }
    })
    expect(one(extra, "aws:cloudwatch/eventTarget:EventTarget", "MarketSubscriberhourlyClosesTarget").inputs).toMatchObject({
      deadLetterConfig: { arn: failures.arn }
    })
    expect(all(extra, "aws:lambda/function:Function").length - all(dev, "aws:lambda/function:Function").length).toBe(1)
    expect(all(extra, "aws:cloudwatch/eventTarget:EventTarget").length - all(dev, "aws:cloudwatch/eventTarget:EventTarget").length).toBe(1)
  })

  it("IAM: each role may do exactly what its code does, on exactly its resources, and no service-wide wildcard", () => {
    const arn = (type: string, name: string) => arnOf(one(dev, type, name))
    const table = (name: string) => arn("aws:dynamodb/table:Table", `${name}Table`)
    const bucket = arn("aws:s3/bucket:Bucket", "ArchiveBucket")
    const bus = arn("aws:cloudwatch/eventBus:EventBus", "MarketBus")
    const failures = arn("aws:sqs/queue:Queue", "ConsumerFailuresQueue")
    const allowed = (statements: ReadonlyArray<Statement>) =>
      statements.flatMap((s) => s.Action.flatMap((a) => (s.Resource ?? []).map((r) => `${a} ${r}`))).sort()
    const grants = (...pairs: ReadonlyArray<readonly [ReadonlyArray<string>, string]>) =>
      pairs.flatMap(([actions, resource]) => actions.map((a) => `${a} ${resource}`)).sort()
    const failed = [["sqs:SendMessage"], failures] as const
    const expected: Record<string, ReadonlyArray<string>> = {
      EnrichmentRole: grants([["dynamodb:GetItem"], table("EngineState")]),
      ProcessorRole: grants(
        [["dynamodb:GetItem", "dynamodb:PutItem"], table("EngineState")],
        [["dynamodb:BatchWriteItem"], table("Candles")],
        [["s3:PutObject"], `${bucket}/staging/*`],
        [["events:PutEvents"], bus]
      ),
      // The public API reads, and nothing else.
      ApiRole: grants(
        [["dynamodb:Query"], table("Candles")],
        [["dynamodb:Query"], `${table("Candles")}/index/${SYMBOLS_INDEX}`],
        [["dynamodb:Query"], table("History")]
      ),
      // The producer sends and reads its resume points; it cannot receive, delete or purge.
      ProducerTaskRole: grants(
        [["sqs:SendMessage"], arn("aws:sqs/queue:Queue", "TradesQueue")],
        [["dynamodb:GetItem"], table("EngineState")],
        // Its stored-gaps read: the index of states holding a gap.
        [["dynamodb:Query"], `${table("EngineState")}/index/${WITH_GAPS_INDEX}`],
        // The warm start: reads what the table holds, writes the exchange's klines where it holds too little.
        [["dynamodb:Query", "dynamodb:BatchWriteItem"], table("Candles")],
        [["events:PutEvents"], bus],
        // SST's ECS exec channel (`sst shell`), nothing that holds data.
        [["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"], "*"]
      ),
      // The backfill writes candles and staging, keeps its ledger, hands hours and days to the bus.
      BackfillTaskRole: grants(
        [["dynamodb:BatchWriteItem"], table("Candles")],
        [["dynamodb:Query"], table("Candles")],
        [["s3:PutObject"], `${bucket}/staging/*`],
        [["s3:GetObject", "s3:PutObject"], `${bucket}/backfill/*`],
        [["s3:ListBucket"], bucket],
        [["events:PutEvents"], bus],
        [["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"], "*"]
      ),
      MarketSubscriberanomalyFunctionRole: grants([["dynamodb:Query"], table("Candles")], [["events:PutEvents"], bus], failed),
      MarketSubscriberalertFunctionRole: grants(
        [["dynamodb:GetItem", "dynamodb:PutItem"], table("AlertConditions")],
        [["sns:Publish"], arn("aws:sns/topic:Topic", "AlertsTopic")],
        [["kms:GenerateDataKey*", "kms:Decrypt"], arn("aws:kms/key:Key", "TopicsKey")],
        [["events:PutEvents"], bus],
        failed
      ),
      MarketSubscriberarchivalFunctionRole: grants(
        [["dynamodb:Query"], table("Candles")],
        [["s3:ListBucket"], bucket],
        [["s3:GetObject"], `${bucket}/staging/*`],
        [["s3:GetObject", "s3:PutObject"], `${bucket}/archive/*`],
        failed
      ),
      // It reads the hour's candles, writes the windows it repairs and says what it found; Binance's klines and trades need no AWS action.
      MarketSubscriberreconciliationFunctionRole: grants(
        [["dynamodb:Query"], table("Candles")],
        [["dynamodb:BatchWriteItem"], table("Candles")],
        [["events:PutEvents"], bus],
        failed
      ),
      MarketSubscriberhistoryFunctionRole: grants([["dynamodb:PutItem"], table("History")], failed),
      MarketSubscriberwebhookFunctionRole: grants(failed)
    }
    for (const [role, actions] of Object.entries(expected)) expect(allowed(roleStatements(dev, role)), role).toEqual(actions)
    // Every function role is in the table above.
    const functionRoles = all(dev, "aws:iam/role:Role")
      .map((r) => r.name)
      .filter((n) => n.endsWith("FunctionRole") || ["EnrichmentRole", "ProcessorRole", "ApiRole"].includes(n))
    expect(functionRoles.sort()).toEqual(
      Object.keys(expected)
        .filter((n) => !n.endsWith("TaskRole"))
        .sort()
    )
    // No role anywhere is granted a whole service.
    for (const role of all(dev, "aws:iam/role:Role")) {
      for (const statement of roleStatements(dev, role.name))
        for (const action of statement.Action) expect(action, role.name).not.toMatch(/^[a-z0-9-]+:\*$|^\*$/)
    }
  })

  it("encryption on every store: queues, tables, bucket, topics, Athena results; the bucket is never public", () => {
    for (const q of all(dev, "aws:sqs/queue:Queue")) expect(q.inputs["sqsManagedSseEnabled"], q.name).toBe(true)
    const tables = all(dev, "aws:dynamodb/table:Table")
    expect(tables.map((t) => t.name).sort()).toEqual(["AlertConditionsTable", "CandlesTable", "EngineStateTable", "HistoryTable"])
    for (const t of tables) expect(t.inputs["serverSideEncryption"], t.name).toEqual({ enabled: true })
    const bucket = one(dev, "aws:s3/bucket:Bucket", "ArchiveBucket").physical
    const sse = one(dev, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "ArchiveEncryption")
    expect(sse.inputs).toMatchObject({ bucket, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true }] })
    expect(all(dev, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")[0]?.inputs).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true
    })
    // Both topics under the customer-managed key whose policy lets CloudWatch alarms publish.
    const key = one(dev, "aws:kms/key:Key", "TopicsKey")
    for (const t of all(dev, "aws:sns/topic:Topic")) expect(t.inputs["kmsMasterKeyId"], t.name).toBe(arnOf(key))
    expect(key.inputs["enableKeyRotation"]).toBe(true)
    expect(statementsOf(key.inputs["policy"])).toContainEqual(
      expect.objectContaining({ Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey*"], Principal: { Service: ["cloudwatch.amazonaws.com"] } })
    )
    expect(one(dev, "aws:athena/workgroup:Workgroup", "Athena").inputs["configuration"]).toMatchObject({
      enforceWorkgroupConfiguration: true,
      bytesScannedCutoffPerQuery: 10 * 1024 ** 3,
      resultConfiguration: { outputLocation: `s3://${bucket}/athena-results/`, encryptionConfiguration: { encryptionOption: "SSE_KMS" } }
    })
  })

  it("archive: staging expires, old archive moves to Infrequent Access, Glue tables project the partitions (no crawler)", () => {
    const bucket = one(dev, "aws:s3/bucket:Bucket", "ArchiveBucket").physical
    const lifecycle = one(dev, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "ArchiveLifecycle")
    expect(lifecycle.inputs["rules"]).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ status: "Enabled", filter: { prefix: "staging/" }, expiration: { days: STAGING_EXPIRY_DAYS } }),
        expect.objectContaining({ status: "Enabled", filter: { prefix: "archive/" }, transitions: [{ days: 30, storageClass: "STANDARD_IA" }] })
      ])
    )
    expect(all(dev, "aws:glue/crawler:Crawler")).toEqual([])
    const trades = one(dev, "aws:glue/catalogTable:CatalogTable", "TradesTable")
    expect(trades.inputs["parameters"]).toMatchObject({
      "projection.enabled": "true",
      "projection.symbol.type": "injected",
      "projection.hour.range": "0,23",
      "storage.location.template": `s3://${bucket}/archive/trades/symbol=\${symbol}/date=\${date}/hour=\${hour}/`
    })
    // No list of symbols: a symbol only backfilled, never streamed, is found where the archive writes it.
    const candleTable = one(dev, "aws:glue/catalogTable:CatalogTable", "CandlesTable")
    for (const run of [dev, prod]) {
      for (const table of ["TradesTable", "CandlesTable"])
        expect(Object.keys(parametersOf(one(run, "aws:glue/catalogTable:CatalogTable", table))).filter((k) => k.startsWith("projection.symbol"))).toEqual([
          "projection.symbol.type"
        ])
    }
    const hour = Date.UTC(2024, 0, 2, 7)
    const located = (table: Resource, values: Record<string, string>) =>
      (parametersOf(table)["storage.location.template"] ?? "").replace(/\$\{(\w+)\}/g, (_, key: string) => values[key] ?? `<${key}?>`)
    expect(located(trades, { symbol: "DOGEUSDT", date: "2024-01-02", hour: "07" })).toBe(
      `s3://${bucket}/archive/${tradesKey("DOGEUSDT", hour).replace(/[^/]+$/, "")}`
    )
    expect(located(candleTable, { interval: "1h", symbol: "DOGEUSDT", date: "2024-01-02" })).toBe(
      `s3://${bucket}/archive/${candlesKey("1h", "DOGEUSDT", Date.UTC(2024, 0, 2)).replace(/[^/]+$/, "")}`
    )
    const columns = (r: Resource): unknown => {
      const descriptor = r.inputs["storageDescriptor"]
      return typeof descriptor === "object" && descriptor !== null && "columns" in descriptor ? descriptor.columns : undefined
    }
    expect(columns(trades)).toEqual(columnsOf(TRADE_COLUMNS).map((c) => ({ name: c.name, type: c.type.toLowerCase() })))
    expect(columns(one(dev, "aws:glue/catalogTable:CatalogTable", "CandlesTable"))).toEqual(
      columnsOf(CANDLE_COLUMNS).map((c) => ({ name: c.name, type: c.type.toLowerCase() }))
    )
  })

  it("alarms: dead letters, errors in every function, pipe failures, no CandleClosed for five minutes, all to the ops topic", () => {
    const ops = arnOf(one(dev, "aws:sns/topic:Topic", "OpsTopic"))
    const alarms = all(dev, "aws:cloudwatch/metricAlarm:MetricAlarm")
    for (const a of alarms) expect(a.inputs["alarmActions"], a.name).toEqual([ops])
    const alarm = (name: string) => one(dev, "aws:cloudwatch/metricAlarm:MetricAlarm", name).inputs
    expect(alarm("DeadLetterAlarm")).toMatchObject({
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: one(dev, "aws:sqs/queue:Queue", "TradesDeadLetterQueue").physical },
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold"
    })
    expect(alarm("PipeFailuresAlarm")).toMatchObject({
      namespace: "AWS/EventBridge/Pipes",
      metricName: "ExecutionFailed",
      dimensions: { PipeName: one(dev, "aws:pipes/pipe:Pipe", "TradesPipe").physical }
    })
    expect(alarm("NoCandleClosedAlarm")).toMatchObject({
      namespace: "AWS/Events",
      metricName: "MatchedEvents",
      dimensions: { RuleName: one(dev, "aws:cloudwatch/eventRule:EventRule", "MarketSubscriberanomalyRule").physical },
      period: 60,
      evaluationPeriods: 5,
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      treatMissingData: "breaching"
    })
    const functions = all(dev, "aws:lambda/function:Function")
      .map((f) => f.physical)
      .sort()
    const watched = alarms
      .filter((a) => a.inputs["namespace"] === "AWS/Lambda" && a.inputs["metricName"] === "Errors")
      .map((a) => JSON.stringify(a.inputs["dimensions"]))
    expect(watched.sort()).toEqual(functions.map((f) => JSON.stringify({ FunctionName: f })).sort())
  })

  it("the candles table lists its symbols through a keys-only index of their markers (DynamoCandleStore.symbols)", () => {
    expect(one(dev, "aws:dynamodb/table:Table", "CandlesTable").inputs["globalSecondaryIndexes"]).toEqual([
      { name: SYMBOLS_INDEX, hashKey: "listed", rangeKey: "symbol", projectionType: "KEYS_ONLY" }
    ])
  })

  it("the state table lists the states holding a gap through a keys-only index (DynamoEngineStateStore.symbolsWithGaps)", () => {
    expect(one(dev, "aws:dynamodb/table:Table", "EngineStateTable").inputs["globalSecondaryIndexes"]).toEqual([
      { name: WITH_GAPS_INDEX, hashKey: "withGaps", rangeKey: "symbol", projectionType: "KEYS_ONLY" }
    ])
  })

  it("stages: prod is protected and retains its data; dev is removable", () => {
    expect(prod.app).toMatchObject({ name: "blockchaincore", protect: true, removal: "retain" })
    expect(dev.app).toMatchObject({ protect: false, removal: "remove" })
    for (const t of all(prod, "aws:dynamodb/table:Table"))
      expect(t.inputs, t.name).toMatchObject({ deletionProtectionEnabled: true, pointInTimeRecovery: { enabled: true } })
    for (const t of all(dev, "aws:dynamodb/table:Table")) expect(t.inputs["deletionProtectionEnabled"], t.name).toBe(false)
    // Its query history is no data: removed with the stage, or `sst remove` stops at it.
    expect(one(prod, "aws:athena/workgroup:Workgroup", "Athena").inputs["forceDestroy"]).toBe(true)
  })

  it("stages: prod keeps what redrive, Athena and the topics need beyond SST's retained data stores; dev keeps nothing", () => {
    const needed: ReadonlyArray<readonly [string, string]> = [
      ["aws:sqs/queue:Queue", "TradesDeadLetterQueue"],
      ["aws:sqs/queue:Queue", "ConsumerFailuresQueue"],
      ["aws:glue/catalogDatabase:CatalogDatabase", "ArchiveDatabase"],
      ["aws:glue/catalogTable:CatalogTable", "TradesTable"],
      ["aws:glue/catalogTable:CatalogTable", "CandlesTable"],
      ["aws:kms/key:Key", "TopicsKey"]
    ]
    for (const [type, name] of needed) {
      expect(one(prod, type, name).retainOnDelete, `prod ${name}`).toBe(true)
      expect(one(dev, type, name).retainOnDelete ?? false, `dev ${name}`).toBe(false)
    }
    // The trades queue itself is the stage's working queue: removed with it (drained first by aws:stop).
    expect(one(prod, "aws:sqs/queue:Queue", "TradesQueue").retainOnDelete).toBeUndefined()
    // The VPC and its parts hold no data: removed with the stage, whatever SST's "retain" keeps.
    const network = ["aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"].flatMap((type) => all(prod, type))
    expect(network.length).toBeGreaterThanOrEqual(5)
    expect(network.filter((r) => r.retainOnDelete !== false).map((r) => r.name)).toEqual([])
  })

  it("alerts: e-mail and SMS subscriptions come from the stage's secrets, declared outside apply with the address kept secret in the state", () => {
    const subscriptions = (run: OfflineRun) =>
      all(run, "aws:sns/topicSubscription:TopicSubscription").map((s) => [s.name, s.inputs["protocol"], s.inputs["endpoint"]])
    expect(subscriptions(dev)).toEqual([])
    expect(subscriptions(prod).sort()).toEqual([
      ["AlertsEmail", "email", "ops@example.com"],
      ["AlertsSms", "sms", "+15550100"],
      ["OpsEmail", "email", "ops@example.com"]
    ])
    // Made inside apply, the endpoint would be the secret's plain value.
    for (const s of all(prod, "aws:sns/topicSubscription:TopicSubscription")) expect(s.secretInputs, s.name).toContain("endpoint")
  })

  it("functions: Node 24, JSON logs without Lambda's per-invocation lines, a month's retention", () => {
    for (const f of all(dev, "aws:lambda/function:Function")) {
      expect(f.inputs["runtime"], f.name).toBe("nodejs24.x")
      expect(f.inputs["loggingConfig"], f.name).toMatchObject({ logFormat: "JSON", systemLogLevel: "WARN", applicationLogLevel: "INFO" })
    }
    for (const g of all(dev, "aws:cloudwatch/logGroup:LogGroup").filter((g) => g.name.includes("Function")))
      expect(g.inputs["retentionInDays"], g.name).toBe(30)
  })

  it("producer: one ARM Fargate task of the smallest size, no NAT gateway; API: a GET-only function URL", () => {
    const task = one(dev, "aws:ecs/taskDefinition:TaskDefinition", "ProducerTask")
    expect(task.inputs).toMatchObject({ cpu: "256", memory: "512", requiresCompatibilities: ["FARGATE"], runtimePlatform: { cpuArchitecture: "ARM64" } })
    expect(one(dev, "aws:ecs/service:Service", "ProducerService").inputs).toMatchObject({ desiredCount: 1 })
    const container = JSON.parse(String(task.inputs["containerDefinitions"]))[0]
    expect(container.environment).toEqual(
      expect.arrayContaining([{ name: "STATE_TABLE", value: one(dev, "aws:dynamodb/table:Table", "EngineStateTable").physical }])
    )
    // The pipe's enrichment asks Binance for the instruments of the symbols the producer streams, at its cold start.
    const symbols = container.environment.find((v: { name: string }) => v.name === "SYMBOLS")?.value
    expect(symbols).toMatch(/^[A-Z]+(,[A-Z]+)+$/)
    expect(one(dev, "aws:lambda/function:Function", "EnrichmentFunction").inputs["environment"]).toMatchObject({ variables: { SYMBOLS: symbols } })
    // The backfill: the same image's other program, a task definition run on demand (no service).
    const backfill = one(dev, "aws:ecs/taskDefinition:TaskDefinition", "BackfillTask")
    expect(backfill.inputs).toMatchObject({ requiresCompatibilities: ["FARGATE"], runtimePlatform: { cpuArchitecture: "ARM64" } })
    expect(JSON.parse(String(backfill.inputs["containerDefinitions"]))[0].command).toEqual(["node", PRODUCER_V8_FLAG, "/app/backfill.mjs"])
    expect(all(dev, "aws:ecs/service:Service").map((r) => r.name)).toEqual(["ProducerService"])
    expect(all(dev, "aws:ec2/natGateway:NatGateway")).toEqual([])
    expect(all(dev, "aws:ec2/instance:Instance")).toEqual([])
    const url = all(dev, "aws:lambda/functionUrl:FunctionUrl")
    expect(url).toHaveLength(1)
    expect(url[0]?.inputs).toMatchObject({ authorizationType: "AWS_IAM" })
    // The dashboard: built with the API's URL, served from a bucket through CloudFront.
    const build = all(dev, "command:local:Command").find((c) => c.name.startsWith("Dashboard"))
    // Same origin: the dashboard and the API behind one CloudFront distribution.
    expect(build?.inputs).toMatchObject({ create: "../../node_modules/.bin/node build.ts", environment: { API_URL: "" } })
    expect(all(dev, "aws:cloudfront/distribution:Distribution").length).toBeGreaterThanOrEqual(1)
  })
})
