/**
 * The producer's container entry point as the image holds it: bundled by packages/aws/build.ts
 * (what the Dockerfile runs), copied alone into an empty directory, no node_modules at all (so no
 * optional native module: not DuckDB, not ws's speed-ups), and run with Node as the container
 * would: against a Binance-protocol replay server, SQS (fauxqs, FIFO), the state table (dynalite)
 * and a loopback EventBridge endpoint, all on 127.0.0.1. Then its health check judges its
 * heartbeat, and SIGTERM stops it cleanly.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { createServer, type Server } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs"
import { Schema } from "effect"
import { type FauxqsServer, startFauxqs } from "fauxqs"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { loadRecording } from "@blockchaincore/replay/Recording"
import { ReplayServer } from "@blockchaincore/replay/ReplayServer"
import { RECORDING, sharedFile } from "@blockchaincore/testkit/sharedData"
import { buildProducer, PRODUCER_V8_FLAG } from "../build.ts"
import { STATE_TABLE, tablesNamed } from "../src/dynamodb/Tables.ts"
import { encodeHeartbeat, type Heartbeat, verdictOnFile } from "../src/producer/Heartbeat.ts"
import { TradeBatchFromMessageBody } from "../src/sqs/MessageBody.ts"
import { portOf, startDynalite } from "@blockchaincore/testkit/awsStandIns"

let image: string
let metafileInputs: ReadonlyArray<string>
let sqs: FauxqsServer
let dynamo: Awaited<ReturnType<typeof startDynalite>>
let replay: ReplayServer
let replayPort: number
let eventBridge: Server
let eventBridgeUrl: string

beforeAll(async () => {
  const out = mkdtempSync(join(tmpdir(), "producer-build-"))
  metafileInputs = Object.keys((await buildProducer(out)).inputs)
  // The image's /app: the two files, nothing else.
  image = mkdtempSync(join(tmpdir(), "producer-image-"))
  for (const file of ["producer.mjs", "healthcheck.mjs"]) copyFileSync(join(out, file), join(image, file))
  sqs = await startFauxqs({ port: 0, host: "127.0.0.1", logger: false })
  dynamo = await startDynalite(tablesNamed({ state: STATE_TABLE }))
  replay = new ReplayServer(loadRecording(sharedFile(RECORDING)).slice(0, 2_000), { pingIntervalMillis: 1_000 })
  replayPort = await replay.listen()
  // EventBridge has no emulator: this endpoint takes PutEvents as the service answers it.
  eventBridge = createServer((req, res) => {
    req.resume()
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/x-amz-json-1.1" })
      res.end(JSON.stringify({ FailedEntryCount: 0, Entries: [] }))
    })
  })
  await new Promise<void>((resolve) => eventBridge.listen(0, "127.0.0.1", resolve))
  eventBridgeUrl = `http://127.0.0.1:${portOf(eventBridge.address())}`
}, 120_000)

afterAll(async () => {
  await replay.close()
  await sqs.stop()
  await dynamo.close()
  await new Promise<void>((resolve) => eventBridge.close(() => resolve()))
})

const runNode = (args: ReadonlyArray<string>, env: Readonly<Record<string, string>>) =>
  spawnSync(process.execPath, [...args], { cwd: image, env: { PATH: process.env["PATH"] ?? "", ...env }, encoding: "utf8", timeout: 30_000 })

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))

describe("the producer's image", () => {
  it("runs in the image with the V8 flag the bench measured", () => {
    const cmd = /^CMD (.+)$/m.exec(readFileSync(join(import.meta.dirname, "../Dockerfile"), "utf8"))?.[1] ?? ""
    expect(JSON.parse(cmd)).toEqual(["node", PRODUCER_V8_FLAG, "/app/producer.mjs"])
  })

  it("bundles no native module and nothing of the local edge", () => {
    expect(metafileInputs.some((p) => p.includes("@duckdb"))).toBe(false)
    expect(metafileInputs.some((p) => p.includes("packages/local/"))).toBe(false)
    expect(metafileInputs.some((p) => p.endsWith(".node"))).toBe(false)
  })

  it("ends at once with a non-zero code naming the variable, when its environment is wrong", () => {
    const run = runNode(["producer.mjs"], { SYMBOLS: "BTCUSDT" })
    expect(run.status).not.toBe(0)
    expect(`${run.stdout}${run.stderr}`).toMatch(/the producer's environment/)
    expect(`${run.stdout}${run.stderr}`).toMatch(/QUEUE_URL/)
  })

  it("streams from a Binance-protocol server to the FIFO queue with no package installed, beats healthy, and stops on SIGTERM", async () => {
    const client = new SQSClient({
      endpoint: `http://127.0.0.1:${sqs.port}`,
      region: "ap-northeast-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" }
    })
    await client.send(new CreateQueueCommand({ QueueName: "trades.fifo", Attributes: { FifoQueue: "true" } }))
    // The emulator names its queues under a made-up host; the real URL shape with its address.
    const queueUrl = `http://127.0.0.1:${sqs.port}/000000000000/trades.fifo`
    const health = join(image, "health.json")
    const child = spawn(process.execPath, ["producer.mjs"], {
      cwd: image,
      env: {
        PATH: process.env["PATH"] ?? "",
        QUEUE_URL: queueUrl,
        STATE_TABLE: "state",
        BUS_NAME: "market",
        SYMBOLS: "BTCUSDT,ETHUSDT",
        WS_URL: `ws://127.0.0.1:${replayPort}`,
        REST_URL: `http://127.0.0.1:${replayPort}`,
        JOURNAL_DIR: join(image, "journal"),
        HEALTH_FILE: health,
        AWS_REGION: "ap-northeast-1",
        AWS_ACCESS_KEY_ID: "test",
        AWS_SECRET_ACCESS_KEY: "test",
        AWS_ENDPOINT_URL_SQS: `http://127.0.0.1:${sqs.port}`,
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridgeUrl
      },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stderr = ""
    child.stderr?.on("data", (c) => (stderr += String(c)))
    child.stdout?.on("data", (c) => (stderr += String(c)))
    const exit = exited(child)
    try {
      const symbols = new Set<string>()
      // Bounded: at most 30 long polls of one second while the producer sends its first batches.
      for (let poll = 0; poll < 30 && symbols.size < 2; poll++) {
        const page = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }))
        for (const m of page.Messages ?? [])
          for (const part of Schema.decodeUnknownSync(TradeBatchFromMessageBody)(m.Body).symbols) if (part.trades.length > 0) symbols.add(part.symbol)
      }
      expect([...symbols].sort(), stderr).toEqual(["BTCUSDT", "ETHUSDT"])

      const check = runNode(["healthcheck.mjs"], { HEALTH_FILE: health })
      expect([check.status, check.stderr]).toEqual([0, ""])
    } finally {
      child.kill("SIGTERM")
    }
    expect(await exit, stderr).toBe(0)
    expect(stderr).not.toMatch(/Error|uncaught/i)
  }, 90_000)

  it("its health check judges the heartbeat at the time it is given: stale, a long disconnection, none, or healthy", () => {
    const now = Date.UTC(2026, 11, 1, 12)
    const file = "/var/run/health.json"
    const at = (beat: Heartbeat) => verdictOnFile(file, { text: encodeHeartbeat(beat) }, now)
    expect(at({ at: now - 60_000, connectedAt: now - 60_000, startedAt: now - 120_000 })).toEqual({ healthy: false, reason: "no heartbeat for 60 s" })
    expect(at({ at: now, connectedAt: now - 10 * 60_000, startedAt: now - 20 * 60_000 })).toEqual({ healthy: false, reason: "no stream connection for 600 s" })
    expect(at({ at: now, connectedAt: 0, startedAt: now - 2 * 60_000 })).toEqual({ healthy: true })
    expect(at({ at: now - 5_000, connectedAt: now - 5_000, startedAt: now - 60 * 60_000 })).toEqual({ healthy: true })
    expect(verdictOnFile(file, { text: "{}" }, now)).toMatchObject({
      healthy: false,
      reason: expect.stringMatching(/^heartbeat file \/var\/run\/health.json: /)
    })
    expect(verdictOnFile(file, { missing: "ENOENT" }, now)).toEqual({ healthy: false, reason: "no heartbeat file /var/run/health.json: ENOENT" })
  })

  it("its health check process exits 1 with the reason on stderr when unhealthy, 0 when healthy", () => {
    const file = join(image, "judged.json")
    const judgeFile = () => runNode(["healthcheck.mjs"], { HEALTH_FILE: file })
    // Far from every limit, so that the moment the process reads its clock does not matter.
    const now = Date.now()
    writeFileSync(file, encodeHeartbeat({ at: now - 24 * 3_600_000, connectedAt: 0, startedAt: 0 }))
    const stale = judgeFile()
    expect([stale.status, stale.stderr]).toEqual([1, expect.stringMatching(/^unhealthy: no heartbeat for \d+ s\n$/)])
    writeFileSync(file, encodeHeartbeat({ at: now, connectedAt: now, startedAt: now }))
    expect([judgeFile().status, judgeFile().stderr]).toEqual([0, ""])
    writeFileSync(file, "{}")
    expect(judgeFile().status).toBe(1)
    expect(runNode(["healthcheck.mjs"], { HEALTH_FILE: join(image, "missing.json") }).stderr).toMatch(/no heartbeat file/)
  })
})
