/**
 * The cost run counts what really happens: a short run through the AWS code path, its counts
 * checked against what the run must have done (a message per symbol per minute, a pipe batch per
 * send request, one staging object per invocation, an anomaly and an alert invocation per closed
 * candle), and the estimate priced from those counts.
 */
import { describe, expect, it } from "vitest"
import { PutObjectCommand } from "@aws-sdk/client-s3"
import { startS3rver } from "@blockchaincore/testkit/awsStandIns"
import { countedRun, s3Objects } from "./cost/CountedRun.ts"
import { estimate } from "./cost/Estimate.ts"
import { PRICES } from "./cost/Prices.ts"
import { ratesOf } from "./cost/MeasuredRates.ts"
import { symbolsFor } from "./cost/SyntheticMarket.ts"

describe("scripts/cost", () => {
  it("counts the adapters' requests in a run and prices them", async () => {
    const run = await countedRun(symbolsFor(3), 5, Date.UTC(2024, 7, 8, 23, 0), 4)
    expect(run.trades).toBe(3 * 5 * 240)
    // The first minute's close, then one message per symbol per minute: 4 minutes, 3 symbols.
    expect(run.messages.count).toBeGreaterThanOrEqual(3 * 4)
    expect(run.messages.count).toBeLessThanOrEqual(3 * 4 + 6)
    expect(run.pipeBatches).toBe(run.messages.sendRequests)
    expect(run.processor.count).toBe(run.pipeBatches)
    expect(run.stream.commands.get("s3:PutObjectCommand")).toBe(run.processor.count)
    expect(run.stream.commands.get("dynamodb:PutItemCommand")).toBe(run.messages.count)
    expect(run.stream.writeUnits).toBeGreaterThan(0)
    // Minutes 0 to 2 close; the last one would close on the first trade past its end, which never comes.
    const closed1m = run.consumers.get("anomaly CandleClosed 1m")
    expect(closed1m?.invocations.count).toBe(3 * 3)
    expect(run.consumers.get("alert CandleClosed 1m")?.invocations.count).toBe(3 * 3)
    expect(closed1m?.requests.commands.get("dynamodb:QueryCommand")).toBe(3 * 3)

    const e = estimate(run, PRICES, 0.01)
    expect(e.lines.map((l) => l.service)).toEqual(
      expect.arrayContaining(["Fargate (producer)", "SQS FIFO", "EventBridge Pipes", "DynamoDB requests", "S3 requests", "EventBridge bus", "CloudWatch"])
    )
    expect(e.total).toBeCloseTo(
      e.lines.reduce((n, l) => n + l.dollars, 0),
      10
    )
    const fargate = e.lines.find((l) => l.service === "Fargate (producer)")?.dollars ?? 0
    expect(e.totalOnSpot).toBeCloseTo(e.total - 0.7 * fargate, 10)
    expect(e.lines.find((l) => l.service === "KMS (topics' key)")?.dollars).toBeGreaterThanOrEqual(1)
    expect(e.lines.every((l) => Number.isFinite(l.dollars) && l.dollars >= 0)).toBe(true)
    // Tracing's line: the traced share of the batches, their spans as log ingestion; nothing when off.
    const traces = e.lines.find((l) => l.service === "Traces (CloudWatch)")
    expect(traces?.usage).toMatch(/batches traced \(1%\), .* spans, \d+\.\d\d GB ingested/)
    expect(traces?.dollars).toBeGreaterThan(0)
    expect(estimate(run, PRICES, 0.1).lines.find((l) => l.service === "Traces (CloudWatch)")?.dollars).toBeCloseTo(10 * traces!.dollars, 10)
    expect(estimate(run, PRICES).lines.find((l) => l.service === "Traces (CloudWatch)")?.dollars).toBe(0)
  })
})

describe("scripts/cost --from-local", () => {
  it("takes the symbols and their mean trade rate, rounded up, from a runtime's health", () => {
    const symbol = (name: string, tradesPerSecond: number) => ({ symbol: name, tradesPerSecond, lastTradeTime: 1, lastTradeAgeSeconds: 0.1 })
    const health = {
      status: "ok" as const,
      now: 0,
      connectionsUp: 1,
      reconnects: 0,
      gapsOpen: 0,
      gapsFilled: 0,
      queueDepth: 0,
      batchesProcessed: 0,
      journal: 0,
      symbols: [symbol("BTCUSDT", 30.5), symbol("ETHUSDT", 20), symbol("XRPUSDT", 0)]
    }
    expect(ratesOf(health)).toEqual({ symbols: 3, rate: 17 })
    expect(ratesOf({ ...health, symbols: [] })).toEqual({ symbols: 1, rate: 1 })
  })
  it("measures an archive of more than one listing page (1,000 keys)", async () => {
    const s3 = await startS3rver("archive")
    try {
      const keys = Array.from({ length: 1_050 }, (_, i) => `staging/1m/${String(i).padStart(5, "0")}.bin`)
      for (let i = 0; i < keys.length; i += 50) {
        await Promise.all(keys.slice(i, i + 50).map((Key) => s3.client.send(new PutObjectCommand({ Bucket: "archive", Key, Body: "abc" }))))
      }
      const objects = await s3Objects(s3.client)
      expect(objects.map((o) => o.key)).toEqual(keys)
      expect(objects.every((o) => o.size === 3)).toBe(true)
    } finally {
      await s3.close()
    }
  })
})
