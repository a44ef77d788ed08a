/**
 * `aws:stop` run whole against an emulated account (moto_server: ECS and SQS), with the stage's
 * outputs as `sst deploy` or `sst dev` writes them and `sst remove` recorded (it needs AWS
 * itself): a protected stage is refused before anything is touched, outputs of `sst dev` stop
 * no service, and a removal really runs only once the producer is stopped and the queue empty.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { CreateClusterCommand, CreateServiceCommand, DescribeServicesCommand, ECSClient, RegisterTaskDefinitionCommand } from "@aws-sdk/client-ecs"
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { MOTO_CREDENTIALS, type Moto, startMoto } from "@blockchaincore/testkit/motoServer"
import { DEV_PRODUCER, LIFT_PROTECTION, stageSettings } from "../stacks/stages.ts"
import { runStop, type StopSteps } from "./ops/Stop.ts"

const REGION = "ap-northeast-1"
let moto: Moto
let ecs: ECSClient
let sqs: SQSClient
let queueUrl: string

beforeAll(async () => {
  moto = await startMoto()
  const client = { region: REGION, endpoint: moto.url, credentials: MOTO_CREDENTIALS }
  ecs = new ECSClient(client)
  sqs = new SQSClient(client)
  await ecs.send(new CreateClusterCommand({ clusterName: "Cluster" }))
  await ecs.send(new RegisterTaskDefinitionCommand({ family: "Producer", containerDefinitions: [{ name: "producer", image: "producer:latest", memory: 512 }] }))
})
const made: Array<string> = []
afterAll(async () => {
  await moto?.close()
  for (const dir of made) rmSync(dir, { recursive: true, force: true })
})

let queueNumber = 0
beforeEach(async () => {
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `Trades${++queueNumber}` }))).QueueUrl ?? ""
  for (let i = 0; i < 3; i++) await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: `batch ${i}` }))
})

const service = async (name: string) => {
  await ecs.send(new CreateServiceCommand({ cluster: "Cluster", serviceName: name, taskDefinition: "Producer", desiredCount: 1 }))
  return async () => (await ecs.send(new DescribeServicesCommand({ cluster: "Cluster", services: [name] }))).services?.[0]?.desiredCount
}

/** A repository root whose `.sst/outputs.json` is the stage's, as the last deploy or dev run wrote it. */
const rootWith = (stage: string, producer: string) => {
  const root = mkdtempSync(join(tmpdir(), "stop-"))
  made.push(root)
  mkdirSync(join(root, ".sst"))
  writeFileSync(
    join(root, ".sst/outputs.json"),
    JSON.stringify({
      stage,
      region: REGION,
      queue: queueUrl,
      deadLetterQueue: `${queueUrl}-dlq`,
      consumerFailures: `${queueUrl}-failures`,
      bus: "Market",
      pipe: "TradesPipe",
      api: "https://api.lambda-url.on.aws/",
      dashboard: "https://d.cloudfront.net",
      archive: "archive",
      athenaWorkgroup: "w",
      glueDatabase: "g",
      producer,
      cluster: "Cluster",
      functions: "f"
    })
  )
  return root
}

/** The steps with the emulated account, the answers typed, the pipe draining the queue between two looks, and `sst remove` recorded. */
const steps = (answers: ReadonlyArray<string>) => {
  const asked: Array<string> = []
  const said: Array<string> = []
  const removed: Array<string> = []
  const typed = [...answers]
  const run: StopSteps = {
    ask: async (question) => {
      asked.push(question)
      return typed.shift() ?? ""
    },
    ecs,
    sqs,
    pause: async () => {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }))
      for (const m of Messages) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }))
    },
    remove: (stage) => {
      removed.push(stage)
      return 0
    },
    say: (line) => said.push(line),
    looks: 5
  }
  return { run, asked, said, removed }
}

describe("aws:stop against an emulated account", () => {
  it("refuses a protected stage before touching anything, naming the setting that lifts the protection", async () => {
    const desired = await service("ProducerProd")
    const s = steps(["yes", "prod"])
    expect(await runStop(rootWith("prod", "ProducerProd"), "prod", REGION, stageSettings("prod", {}), s.run)).toBe(2)
    expect(s.said.join("\n")).toContain(`${LIFT_PROTECTION}=prod`)
    expect(s.asked).toEqual([])
    expect(s.removed).toEqual([])
    expect(await desired()).toBe(1)
    // Not lifted by anything but the stage's own name.
    expect(stageSettings("prod", { [LIFT_PROTECTION]: "1" }).protect).toBe(true)
    expect(stageSettings("prod", { [LIFT_PROTECTION]: "dev" }).protect).toBe(true)
  })

  it("with the protection lifted and the name typed: stops the service, waits for the queue, then removes", async () => {
    const desired = await service("ProducerLifted")
    const s = steps(["yes", "prod"])
    expect(await runStop(rootWith("prod", "ProducerLifted"), "prod", REGION, stageSettings("prod", { [LIFT_PROTECTION]: "prod" }), s.run)).toBe(0)
    expect(s.asked[0]).toContain("(protection lifted)")
    expect(await desired()).toBe(0)
    expect(s.said.some((l) => l.startsWith("3 messages still queued"))).toBe(true)
    expect(s.removed).toEqual(["prod"])
  })

  it("a lifted protection with the wrong name typed cancels, touching nothing", async () => {
    const desired = await service("ProducerMistyped")
    const s = steps(["yes", "prd"])
    expect(await runStop(rootWith("prod", "ProducerMistyped"), "prod", REGION, stageSettings("prod", { [LIFT_PROTECTION]: "prod" }), s.run)).toBe(0)
    expect(await desired()).toBe(1)
    expect(s.removed).toEqual([])
  })

  it("outputs written by sst dev: no service to stop, says so, drains and removes", async () => {
    const s = steps(["yes"])
    // A call to stop a service named by the dev outputs would fail here: moto has no such service.
    expect(await runStop(rootWith("alice", DEV_PRODUCER), "alice", REGION, stageSettings("alice", {}), s.run)).toBe(0)
    expect(s.asked[0]).toContain("last run by `sst dev`: there is no producer service to stop")
    expect(s.said.some((l) => l.startsWith("stopping the producer"))).toBe(false)
    expect(s.removed).toEqual(["alice"])
  })

  it("fast removes at once; a queue that never empties is removed anyway after the looks", async () => {
    const fast = steps(["fast"])
    expect(await runStop(rootWith("bob", DEV_PRODUCER), "bob", REGION, stageSettings("bob", {}), fast.run)).toBe(0)
    expect(fast.said).toEqual([])
    expect(fast.removed).toEqual(["bob"])
    const stuck = steps(["y"])
    const run: StopSteps = { ...stuck.run, pause: async () => {} }
    expect(await runStop(rootWith("carol", DEV_PRODUCER), "carol", REGION, stageSettings("carol", {}), run)).toBe(0)
    expect(stuck.said.at(-1)).toBe("3 messages still queued after 5 looks: removing anyway")
    expect(stuck.removed).toEqual(["carol"])
  })

  it("outputs of another stage are refused before anything is asked", async () => {
    const s = steps(["yes"])
    await expect(runStop(rootWith("dave", DEV_PRODUCER), "erin", REGION, stageSettings("erin", {}), s.run)).rejects.toThrow(/holds stage dave/)
    expect(s.asked).toEqual([])
  })
})
