/**
 * `sst dev`: the program run as the dev command runs it (`$dev` true). Functions become bridges
 * to local workers and are registered as live targets, the producer becomes a local command with
 * the stage's real queue and the task role, and every output resolves: no component property
 * that only exists on a deploy is read.
 */
import { beforeAll, describe, expect, it } from "vitest"
import { buildDashboard } from "@blockchaincore/web/build"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { DEV_PORT } from "@blockchaincore/web/dev"
import { DEV_MAX_RECEIVES, MAX_RECEIVES, VISIBILITY_TIMEOUT_SECONDS } from "@blockchaincore/aws/sqs/TradesQueueReceipts"
import { PRODUCER_ENTRY } from "../producer.ts"
import { DASHBOARD_DEV_PORT } from "../web.ts"
import { type OfflineRun, ROOT, runOffline } from "./offline/offlineApp.ts"

let dev: OfflineRun
let deploy: OfflineRun

beforeAll(async () => {
  await buildDashboard("")
  dev = await runOffline("alice", "config", {}, { dev: true })
  deploy = await runOffline("alice", "config")
}, 180_000)

const OUTPUTS = [
  "stage",
  "region",
  "queue",
  "deadLetterQueue",
  "consumerFailures",
  "bus",
  "pipe",
  "api",
  "dashboard",
  "archive",
  "athenaWorkgroup",
  "glueDatabase",
  "producer",
  "cluster",
  "functions",
  "backfillTask",
  "backfillContainer",
  "backfillSubnets",
  "backfillSecurityGroups"
]

describe("sst dev", () => {
  it("runs the whole program, and every output resolves in dev and in deploy mode", () => {
    for (const run of [dev, deploy]) {
      expect(Object.keys(run.outputs).sort()).toEqual([...OUTPUTS].sort())
      for (const [name, value] of Object.entries(run.outputs)) {
        expect(typeof value, name).toBe("string")
        expect(String(value), name).not.toMatch(/^$|undefined/)
      }
    }
    expect(dev.outputs["producer"]).toBe("local (sst dev)")
    expect(deploy.outputs["producer"]).toBe("Producer")
    expect(dev.outputs["stage"]).toBe("alice")
  })

  it("registers every function for live invocations and builds none", () => {
    const functions = deploy.resources.filter((r) => r.type === "aws:lambda/function:Function").map((r) => r.name.replace(/Function$/, ""))
    expect([...dev.devTargets].sort()).toEqual(functions.sort())
    expect(dev.builds).toEqual([])
  })

  it("runs the producer's own entry point locally, with the stage's queue, table and bus", () => {
    const command = dev.resources.find((r) => r.type === "sst:sst:DevCommand" && r.name === "ProducerDev")
    expect(command?.outputs).toMatchObject({
      _dev: {
        command: `node_modules/.bin/node ${PRODUCER_ENTRY}`,
        autostart: true,
        directory: ".",
        environment: { QUEUE_URL: expect.stringMatching(/\.fifo$/), STATE_TABLE: expect.any(String), BUS_NAME: expect.any(String), SYMBOLS: "BTCUSDT,ETHUSDT" },
        aws: { role: expect.stringContaining("ProducerTaskRole") }
      }
    })
    expect(dev.resources.filter((r) => r.type === "aws:ecs/service:Service")).toEqual([])
  })

  it("runs the dashboard with packages/web's own dev script, passing /api/* on to the stage's CloudFront URL", () => {
    const site = dev.resources.find((r) => r.name === "Dashboard" && r.outputs?.["_dev"] !== undefined)
    expect(site?.outputs?.["_dev"]).toMatchObject({
      command: "npm run dev",
      directory: "packages/web",
      autostart: true,
      environment: { API_URL: "", STAGE_URL: expect.stringMatching(/^https:\/\//) }
    })
    const scripts: unknown = JSON.parse(readFileSync(join(ROOT, "packages/web/package.json"), "utf8")).scripts
    expect(scripts).toMatchObject({ dev: expect.stringContaining("dev.ts") })
    expect(DASHBOARD_DEV_PORT).toBe(DEV_PORT)
    // Deployed, the site is built and uploaded: no dev command.
    expect(deploy.resources.find((r) => r.name === "Dashboard")?.outputs?.["_dev"]).toBeUndefined()
  })

  it("keeps trades queued while no dev session runs: a receipt per failed try, SQS's most before the dead-letter queue", () => {
    const redrive = (run: OfflineRun) =>
      JSON.parse(String(run.resources.find((r) => r.type === "aws:sqs/queue:Queue" && r.name === "TradesQueue")?.inputs["redrivePolicy"])).maxReceiveCount
    expect(redrive(dev)).toBe(DEV_MAX_RECEIVES)
    expect(redrive(deploy)).toBe(MAX_RECEIVES)
    // Each try waits out the visibility timeout: the receipts outlast the queue's retention.
    expect(DEV_MAX_RECEIVES * VISIBILITY_TIMEOUT_SECONDS).toBeGreaterThan(4 * 24 * 3600)
  })
})
