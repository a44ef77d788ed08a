/**
 * What keeps the deployed system honest when something fails, offline: nothing a consumer fails is
 * dropped, every failure pages a person through a topic CloudWatch can publish to, the public
 * API is capped and cached, the producer's deploy waits for a healthy task, and Spot is a setting.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { beforeAll, describe, expect, it } from "vitest"
import { REGISTRY } from "@blockchaincore/services/consumers/ConsumerRegistry"
import { buildDashboard } from "@blockchaincore/web/build"
import { METRIC_NAMESPACE } from "@blockchaincore/aws/runtime/EmbeddedMetrics"
import { ROOT } from "@blockchaincore/testkit/readme"
import { dotEnv } from "../../scripts/ops/SstOutputs.ts"
import { NEAR_TIMEOUT, OLDEST_BATCH_MINUTES } from "../alerts.ts"
import { DEPLOY_SETTINGS } from "../config.ts"
import { CONSUMER_RETRIES } from "../events.ts"
import { KEPT_THROUGH_OUTAGE_MINUTES, VISIBILITY_TIMEOUT_SECONDS } from "@blockchaincore/aws/sqs/TradesQueueReceipts"
import { STAGING_EXPIRY_DAYS } from "../storage.ts"
import { type OfflineRun, runOffline } from "./offline/offlineApp.ts"
import { all, one, statementsOf } from "./offline/resources.ts"

let dev: OfflineRun
let prod: OfflineRun
const ANOMALY_SETTINGS = { overrides: [{ symbol: "BTCUSDT", interval: "1m", settings: { priceMovementPct: 10 } }] }
const ANOMALY_FILE = join(mkdtempSync(join(tmpdir(), "anomaly-settings-")), "anomaly.json")
writeFileSync(ANOMALY_FILE, JSON.stringify(ANOMALY_SETTINGS))

beforeAll(async () => {
  await buildDashboard("")
  dev = await runOffline("dev", "config")
  prod = await runOffline("prod", "config", {
    BLOCKCHAINCORE_API_CONCURRENCY: "5",
    BLOCKCHAINCORE_PRODUCER_CAPACITY: "spot",
    BLOCKCHAINCORE_ANOMALY_CONFIG: ANOMALY_FILE
  })
}, 180_000)

describe("the stage's settings", () => {
  it("the anomaly settings file reaches the anomaly function, and only it, as ANOMALY_CONFIG", () => {
    for (const consumer of REGISTRY) {
      const variables = (run: OfflineRun): Record<string, unknown> => {
        const environment = one(run, "aws:lambda/function:Function", `MarketSubscriber${consumer.name}FunctionFunction`).inputs["environment"]
        return typeof environment === "object" &&
          environment !== null &&
          "variables" in environment &&
          typeof environment.variables === "object" &&
          environment.variables !== null
          ? { ...environment.variables }
          : {}
      }
      expect(variables(prod)["ANOMALY_CONFIG"], consumer.name).toBe(consumer.name === "anomaly" ? JSON.stringify(ANOMALY_SETTINGS) : undefined)
      expect(variables(prod)["CONSUMER"], consumer.name).toBe(consumer.name)
      expect(variables(dev)["ANOMALY_CONFIG"], consumer.name).toBeUndefined()
    }
  })
})

describe("failures are kept and page a person", () => {
  it("every consumer's failed events go to the failure queue: the rule's dead-letter queue and the function's on-failure destination", () => {
    const failures = one(dev, "aws:sqs/queue:Queue", "ConsumerFailuresQueue")
    expect(failures.inputs).toMatchObject({ sqsManagedSseEnabled: true, messageRetentionSeconds: 14 * 24 * 3600 })
    for (const consumer of REGISTRY) {
      const fn = one(dev, "aws:lambda/function:Function", `MarketSubscriber${consumer.name}FunctionFunction`)
      expect(one(dev, "aws:cloudwatch/eventTarget:EventTarget", `MarketSubscriber${consumer.name}Target`).inputs).toMatchObject({
        deadLetterConfig: { arn: failures.arn }
      })
      expect(one(dev, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", `${consumer.name}FailureDestination`).inputs).toEqual({
        functionName: fn.physical,
        maximumRetryAttempts: CONSUMER_RETRIES,
        destinationConfig: { onFailure: { destination: failures.arn } }
      })
    }
    // Only the bus, for these rules, may put undelivered events there.
    const policy = JSON.parse(String(one(dev, "aws:sqs/queuePolicy:QueuePolicy", "ConsumerFailuresPolicy").inputs["policy"]))
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Effect: "Allow",
        Action: ["sqs:SendMessage"],
        Principal: { Service: ["events.amazonaws.com"] },
        Resource: [failures.arn],
        Condition: { ArnEquals: { "aws:SourceArn": all(dev, "aws:cloudwatch/eventRule:EventRule").map((r) => r.arn) } }
      })
    ])
  })

  it("alarms on both dead-letter queues, partial pipe failures and API throttling, to the ops topic", () => {
    const ops = one(dev, "aws:sns/topic:Topic", "OpsTopic").arn
    const alarm = (name: string) => one(dev, "aws:cloudwatch/metricAlarm:MetricAlarm", name).inputs
    expect(alarm("ConsumerFailuresAlarm")).toMatchObject({
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: one(dev, "aws:sqs/queue:Queue", "ConsumerFailuresQueue").physical },
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      alarmActions: [ops]
    })
    expect(alarm("DeadLetterAlarm")).toMatchObject({
      dimensions: { QueueName: one(dev, "aws:sqs/queue:Queue", "TradesDeadLetterQueue").physical },
      alarmActions: [ops]
    })
    expect(alarm("PipePartialFailuresAlarm")).toMatchObject({
      namespace: "AWS/EventBridge/Pipes",
      metricName: "ExecutionPartiallyFailed",
      dimensions: { PipeName: one(dev, "aws:pipes/pipe:Pipe", "TradesPipe").physical },
      threshold: 0,
      alarmActions: [ops]
    })
    expect(alarm("ApiThrottlesAlarm")).toMatchObject({
      namespace: "AWS/Lambda",
      metricName: "Throttles",
      dimensions: { FunctionName: one(dev, "aws:lambda/function:Function", "ApiFunction").physical },
      alarmActions: [ops]
    })
  })

  it("a poison message cannot be received twice while an execution may still hold it: visibility is 6 × the functions' timeout", () => {
    const queue = one(dev, "aws:sqs/queue:Queue", "TradesQueue")
    expect(queue.inputs["visibilityTimeoutSeconds"]).toBe(VISIBILITY_TIMEOUT_SECONDS)
    for (const name of ["EnrichmentFunction", "ProcessorFunction"])
      expect(6 * Number(one(dev, "aws:lambda/function:Function", name).inputs["timeout"])).toBeLessThanOrEqual(VISIBILITY_TIMEOUT_SECONDS)
    expect(VISIBILITY_TIMEOUT_SECONDS).toBeGreaterThanOrEqual(300) // Pipes' cap on a synchronous execution
  })
})

describe("the public API cannot run up the bill", () => {
  it("is reachable through CloudFront only: its URL takes signed requests (AWS_IAM), and only this distribution may invoke it", () => {
    for (const run of [dev, prod]) {
      const distribution = one(run, "aws:cloudfront/distribution:Distribution", "WebCdnDistribution")
      const fn = one(run, "aws:lambda/function:Function", "ApiFunction").physical
      expect(all(run, "aws:lambda/functionUrl:FunctionUrl").map((u) => [u.inputs["functionName"], u.inputs["authorizationType"]])).toEqual([[fn, "AWS_IAM"]])
      const permissions = all(run, "aws:lambda/permission:Permission").filter((p) => p.inputs["function"] === fn)
      expect(permissions.map((p) => [p.inputs["action"], p.inputs["principal"], p.inputs["sourceArn"]]).sort()).toEqual([
        ["lambda:InvokeFunction", "cloudfront.amazonaws.com", distribution.arn],
        ["lambda:InvokeFunctionUrl", "cloudfront.amazonaws.com", distribution.arn]
      ])
      // No URL open to anyone, and the only route to the function is the API's prefix.
      expect(all(run, "aws:lambda/permission:Permission").filter((p) => p.inputs["principal"] === "*")).toEqual([])
      expect(all(run, "sst:aws:RouterUrlRoute")).toEqual([])
    }
  })

  it("its concurrency is capped where the stage sets it, and left alone where it does not (a new account has nothing to reserve)", () => {
    expect(one(prod, "aws:lambda/function:Function", "ApiFunction").inputs["reservedConcurrentExecutions"]).toBe(5)
    expect(one(dev, "aws:lambda/function:Function", "ApiFunction").inputs["reservedConcurrentExecutions"]).toBeUndefined()
  })

  it("is served with the dashboard through one CloudFront distribution that keeps what the function lets it", () => {
    expect(all(dev, "aws:cloudfront/distribution:Distribution")).toHaveLength(1)
    // The router's cache policy honours the origin's Cache-Control (no default lifetime) and keys on the query.
    expect(one(dev, "aws:cloudfront/cachePolicy:CachePolicy", "WebServerCachePolicy").inputs).toMatchObject({
      defaultTtl: 0,
      minTtl: 0,
      parametersInCacheKeyAndForwardedToOrigin: { queryStringsConfig: { queryStringBehavior: "all" } }
    })
  })
})

describe("the producer's service", () => {
  it("has a container health check on the producer's heartbeat, and prod's deploy waits for a steady, healthy task", () => {
    const task = one(dev, "aws:ecs/taskDefinition:TaskDefinition", "ProducerTask")
    const [container] = JSON.parse(String(task.inputs["containerDefinitions"]))
    expect(container.healthCheck).toEqual({ command: ["CMD", "node", "/app/healthcheck.mjs"], startPeriod: 60, interval: 30, timeout: 5, retries: 3 })
    expect(container.environment).toEqual(
      expect.arrayContaining([{ name: "BUS_NAME", value: one(dev, "aws:cloudwatch/eventBus:EventBus", "MarketBus").physical }])
    )
    expect(one(prod, "aws:ecs/service:Service", "ProducerService").inputs).toMatchObject({
      waitForSteadyState: true,
      deploymentCircuitBreaker: { enable: true, rollback: true }
    })
    expect(one(dev, "aws:ecs/service:Service", "ProducerService").inputs["waitForSteadyState"]).toBe(false)
  })

  it("runs on Fargate Spot when the stage says so, on-demand otherwise", () => {
    expect(one(prod, "aws:ecs/service:Service", "ProducerService").inputs["capacityProviderStrategies"]).toEqual([
      { capacityProvider: "FARGATE", weight: 0 },
      { capacityProvider: "FARGATE_SPOT", weight: 1 }
    ])
    expect(one(dev, "aws:ecs/service:Service", "ProducerService").inputs).toMatchObject({ launchType: "FARGATE" })
  })
})

describe("a bad day on AWS: nothing lost, nothing hidden, a teardown that finishes", () => {
  it("the trades queue keeps a batch through two hours of processor failure, and the age of the oldest batch pages well before", () => {
    const redrive = JSON.parse(String(one(prod, "aws:sqs/queue:Queue", "TradesQueue").inputs["redrivePolicy"]))
    expect(redrive.maxReceiveCount * VISIBILITY_TIMEOUT_SECONDS).toBeGreaterThanOrEqual(KEPT_THROUGH_OUTAGE_MINUTES * 60)
    expect(KEPT_THROUGH_OUTAGE_MINUTES).toBeGreaterThanOrEqual(120)
    const age = one(prod, "aws:cloudwatch/metricAlarm:MetricAlarm", "TradesAgeAlarm").inputs
    expect(age).toMatchObject({
      namespace: "AWS/SQS",
      metricName: "ApproximateAgeOfOldestMessage",
      threshold: OLDEST_BATCH_MINUTES * 60,
      comparisonOperator: "GreaterThanThreshold"
    })
    expect(OLDEST_BATCH_MINUTES * 4).toBeLessThanOrEqual(KEPT_THROUGH_OUTAGE_MINUTES)
  })

  it("an undecodable input or a consumer's failure, counted by the functions themselves, pages", () => {
    for (const [name, metricName] of [
      ["MalformedInputAlarm", "MalformedInput"],
      ["ConsumerFailedAlarm", "ConsumerFailed"]
    ] as const) {
      const alarm = one(prod, "aws:cloudwatch/metricAlarm:MetricAlarm", name).inputs
      expect(alarm).toMatchObject({ namespace: METRIC_NAMESPACE, metricName, statistic: "Sum", threshold: 0, comparisonOperator: "GreaterThanThreshold" })
      // The sum over every function: the count's dimensionless series.
      expect(alarm["dimensions"]).toBeUndefined()
    }
  })

  it("the pipe logs its errors, into a group its role may write", () => {
    const pipe = one(prod, "aws:pipes/pipe:Pipe", "TradesPipe").inputs
    const log = one(prod, "aws:cloudwatch/logGroup:LogGroup", "TradesPipeLog")
    expect(pipe["logConfiguration"]).toEqual({ level: "ERROR", cloudwatchLogsLogDestination: { logGroupArn: log.arn } })
    expect(statementsOf(one(prod, "aws:iam/rolePolicy:RolePolicy", "TradesPipePolicy").inputs["policy"])).toContainEqual(
      expect.objectContaining({ Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${log.arn}:*`] })
    )
  })

  it("every function pages as its slowest call nears its timeout, not only once it has timed out", () => {
    const functions = all(prod, "aws:lambda/function:Function")
    const durations = all(prod, "aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => a.inputs["metricName"] === "Duration")
    // The pipe's two functions, the API, and one per consumer.
    expect(durations.length).toBe(3 + REGISTRY.length)
    for (const alarm of durations) {
      const name = (alarm.inputs["dimensions"] as { FunctionName: string }).FunctionName
      const fn = functions.find((f) => f.physical === name)
      expect(fn, name).toBeDefined()
      expect(alarm.inputs["threshold"], name).toBe(Number(fn?.inputs["timeout"]) * 1000 * NEAR_TIMEOUT)
    }
  })

  it("staging outlives every retry and redrive window; prod keeps old versions of the archive a month", () => {
    const failures = Number(one(prod, "aws:sqs/queue:Queue", "ConsumerFailuresQueue").inputs["messageRetentionSeconds"])
    expect(STAGING_EXPIRY_DAYS * 86_400).toBeGreaterThan(failures)
    expect(one(prod, "aws:s3/bucketVersioning:BucketVersioning", "ArchiveVersioning").inputs["versioningConfiguration"]).toEqual({ status: "Enabled" })
    expect(all(dev, "aws:s3/bucketVersioning:BucketVersioning")).toEqual([])
    const rules = one(prod, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "ArchiveLifecycle").inputs["rules"]
    expect(rules).toContainEqual(expect.objectContaining({ id: "old-versions-expire", noncurrentVersionExpiration: { noncurrentDays: 30 } }))
  })

  it("sst remove finishes: the Athena workgroup goes even after a query ran in it", () => {
    expect(one(prod, "aws:athena/workgroup:Workgroup", "Athena").inputs["forceDestroy"]).toBe(true)
  })

  it("no file of the repository chooses a stage for later commands: .env.<stage> holds outputs only, and no .env reaches git", () => {
    const outputs = {
      stage: "prod",
      region: "ap-northeast-1",
      queue: "q",
      deadLetterQueue: "d",
      consumerFailures: "f",
      bus: "b",
      pipe: "p",
      api: "a",
      dashboard: "https://d",
      archive: "a",
      athenaWorkgroup: "w",
      glueDatabase: "g",
      producer: "s",
      cluster: "c",
      functions: ""
    }
    expect(dotEnv(outputs)).not.toMatch(/SST_STAGE/)
    const ignored = readFileSync(join(ROOT, ".gitignore"), "utf8").split("\n")
    expect(ignored).toEqual(expect.arrayContaining([".env", ".env.*"]))
  })

  it("CI deploys prod with every one of prod's settings, from the repository's variables", () => {
    const workflow = readFileSync(join(ROOT, ".github/workflows/ci.yml"), "utf8")
    const deploy = workflow.split("npx sst deploy --stage prod")[1]?.split(/\n\s*- /)[0] ?? ""
    const passed = [...deploy.matchAll(/^\s+(BLOCKCHAINCORE_[A-Z_]+): \$\{\{ vars\.(\w+) \}\}$/gm)].map((m) => [m[1], m[2]])
    expect(passed.map(([name]) => name).sort()).toEqual([...DEPLOY_SETTINGS].sort())
    for (const [name, variable] of passed) expect(variable).toBe(name)
  })
})
