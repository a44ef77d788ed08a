/**
 * The cost run counts what really happens: a short run through the AWS code path, its counts
 * checked against what the run must have done (a message per symbol per minute, a pipe batch per
 * send request, one staging object per invocation, an anomaly and an alert invocation per closed
 * candle), and the estimate priced from those counts.
 */
import { describe, expect, it } from "vitest"
import { countedRun } from "./cost/CountedRun.ts"
import { estimate } from "./cost/Estimate.ts"
import { PRICES } from "./cost/Prices.ts"
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

    const e = estimate(run, PRICES)
    expect(e.lines.map((l) => l.service)).toEqual(expect.arrayContaining(["Fargate (producer)", "SQS FIFO", "EventBridge Pipes", "DynamoDB requests", "S3 requests", "EventBridge bus", "CloudWatch"]))
    expect(e.total).toBeCloseTo(e.lines.reduce((n, l) => n + l.dollars, 0), 10)
    expect(e.lines.every((l) => Number.isFinite(l.dollars) && l.dollars >= 0)).toBe(true)
  })
})
