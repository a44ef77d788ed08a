/**
 * The Fargate task's program (runProducerTask), as main.ts runs it, on the emulators: resumed
 * where the processor's state in DynamoDB stands (dynalite), streaming the recording from a
 * Binance-protocol server into the SQS FIFO queue (fauxqs), its events to the bus (the SDK-boundary
 * router), its heartbeat file written for the container's health check, and the anomaly rules'
 * history warmed from the exchange's klines into the candles table.
 */
import { existsSync, mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs"
import { Effect, Fiber, Schedule, Schema } from "effect"
import { startFauxqs } from "fauxqs"
import { expect, it, vi } from "vitest"
import { CandleEngine } from "@blockchaincore/core/candle/CandleEngine"
import { INTERVALS } from "@blockchaincore/core/candle/Interval"
import { loadRecording } from "@blockchaincore/replay/Recording"
import { ReplayServer } from "@blockchaincore/replay/ReplayServer"
import { REGISTRY } from "@blockchaincore/services/consumers/ConsumerRegistry"
import { startDynalite } from "@blockchaincore/testkit/awsStandIns"
import { describeWithSharedData, RECORDING, sharedFile } from "@blockchaincore/testkit/sharedData"
import { makeDynamoEngineStateStore } from "../src/dynamodb/DynamoEngineStateStore.ts"
import { CANDLES_TABLE, STATE_TABLE, tablesNamed } from "../src/dynamodb/Tables.ts"
import { makeDynamoCandleStore } from "../src/dynamodb/DynamoCandleStore.ts"
import { runProducerTask } from "../src/producer/ProducerTask.ts"
import { TradeBatchFromMessageBody } from "../src/sqs/MessageBody.ts"
import { startBusRouter } from "./support/busRouter.ts"

const credentials = { accessKeyId: "test", secretAccessKey: "test" }

describeWithSharedData("the producer task on the emulators", () => {
  it("resumes each symbol after the processor's stored state, sends the rest to the FIFO queue, beats its heartbeat and warms the rules' history", async () => {
    const recorded = loadRecording(sharedFile(RECORDING))
    const btc = recorded.filter((f) => f.trade.symbol === "BTCUSDT")
    // On a live market the next minute's trades close the recording's last minute, whose batch
    // then goes to the queue; here one ETHUSDT trade two minutes on does it (SQS batches wait for
    // their minute's close, or two minutes).
    const last = recorded.filter((f) => f.trade.symbol === "ETHUSDT").at(-1)!
    const next = { id: last.trade.lastId + 1, time: last.trade.time + 120_000 }
    const frames = [
      ...recorded,
      {
        ...last,
        text: last.text
          .replace(/"t":\d+/, `"t":${next.id}`)
          .replace(/"T":\d+/, `"T":${next.time}`)
          .replace(/"E":\d+/, `"E":${next.time}`),
        trade: { ...last.trade, firstId: next.id, lastId: next.id, time: next.time }
      }
    ]
    // The processor has applied BTCUSDT's first 1,000 trades: the engine's own state after them.
    const engine = new CandleEngine({ intervals: ["1m"], graceMillis: 0 })
    for (const f of btc.slice(0, 1_000)) engine.apply(f.trade)
    engine.drain()
    const resumeId = btc[999]!.trade.lastId
    const fauxqs = await startFauxqs({ port: 0, host: "127.0.0.1", logger: false })
    const dynamo = await startDynalite(tablesNamed({ state: STATE_TABLE, candles: CANDLES_TABLE }))
    const bus = await startBusRouter(REGISTRY, {})
    const replay = new ReplayServer(frames, { pingIntervalMillis: 1_000 })
    const port = await replay.listen()
    try {
      await Effect.runPromise(makeDynamoEngineStateStore({ client: dynamo.client, stateTable: "state" }).saveState("BTCUSDT", engine.snapshot().symbols[0]!, 0))
      const sqs = new SQSClient({ endpoint: `http://127.0.0.1:${fauxqs.port}`, region: "us-east-1", credentials })
      await sqs.send(new CreateQueueCommand({ QueueName: "trades.fifo", Attributes: { FifoQueue: "true" } }))
      const queueUrl = `http://127.0.0.1:${fauxqs.port}/000000000000/trades.fifo`
      // The task's SDK clients find the emulators as they find AWS: by the environment.
      const stubbed = {
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_ENDPOINT_URL_SQS: `http://127.0.0.1:${fauxqs.port}`,
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint
      }
      for (const [name, value] of Object.entries(stubbed)) vi.stubEnv(name, value)
      const dir = mkdtempSync(join(tmpdir(), "producer-task-"))
      const healthFile = join(dir, "health.json")
      const settings = {
        queueUrl,
        stateTable: "state",
        busName: "market",
        symbols: ["BTCUSDT", "ETHUSDT"],
        wsUrl: `ws://127.0.0.1:${port}`,
        restUrl: `http://127.0.0.1:${port}`,
        journalDir: join(dir, "journal"),
        healthFile,
        candlesTable: "candles",
        anomalyConfigText: undefined
      }

      const sent = new Map<string, Array<number>>()
      const receiveAll = Effect.promise(async () => {
        const page = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }))
        for (const m of page.Messages ?? []) {
          for (const part of Schema.decodeUnknownSync(TradeBatchFromMessageBody)(m.Body).symbols)
            sent.set(part.symbol, [...(sent.get(part.symbol) ?? []), ...part.trades.map(([id]) => id)])
        }
        const received = page.Messages ?? []
        if (received.length > 0)
          await sqs.send(
            new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: received.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? "" })) })
          )
        return Math.max(0, ...(sent.get("BTCUSDT") ?? []))
      })
      const lastBtc = btc.at(-1)!.trade.lastId
      const store = makeDynamoCandleStore({ client: dynamo.client, candlesTable: "candles" })
      const warmedCandles = Effect.forEach(["BTCUSDT", "ETHUSDT"], (symbol) =>
        Effect.forEach(INTERVALS, (interval) => store.candles({ symbol, interval, limit: 100 }))
      ).pipe(Effect.map((all) => all.flat(2)))
      await Effect.runPromise(
        Effect.gen(function* () {
          const task = yield* Effect.forkChild(runProducerTask(settings))
          // Bounded: until BTCUSDT's last trade of the recording is in the queue, at most 90 s.
          yield* receiveAll.pipe(
            Effect.repeat({ until: (highest) => highest >= lastBtc, schedule: Schedule.spaced("100 millis") }),
            Effect.timeout("90 seconds")
          )
          // Bounded: until the warm start has written (it runs beside the stream), at most 30 s.
          yield* warmedCandles.pipe(
            Effect.repeat({ until: (candles) => candles.length > 0, schedule: Schedule.spaced("100 millis") }),
            Effect.timeout("30 seconds")
          )
          yield* Fiber.interrupt(task)
        })
      )
      const ids = sent.get("BTCUSDT") ?? []
      expect(Math.min(...ids)).toBe(resumeId + 1)
      expect(new Set(ids).size).toBe(lastBtc - resumeId)
      // ETHUSDT has no state: a cold start, from the first trade streamed.
      expect(sent.get("ETHUSDT")?.length ?? 0).toBeGreaterThan(0)
      expect(existsSync(healthFile)).toBe(true)
      // The warm start filled the anomaly rules' history from the exchange's klines, as the local runtime does.
      const warmed = await Effect.runPromise(warmedCandles)
      expect(warmed.length).toBeGreaterThan(0)
      expect(warmed.every((c) => c.source === "exchange")).toBe(true)
    } finally {
      vi.unstubAllEnvs()
      await Promise.all([replay.close(), fauxqs.stop(), dynamo.close(), bus.close()])
    }
  })
})
