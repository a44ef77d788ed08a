/**
 * `monitor --local` against a real local API (the runtime's HTTP server over an in-memory candle
 * store and an event history holding an anomaly): what it gathers and how it prints.
 */
import { createServer } from "node:http"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { Context, Effect, Exit, Layer, Scope } from "effect"
import { HttpRouter, HttpServer } from "effect/http"
import { CandleStore } from "@blockchaincore/core/ports/CandleStore"
import { EventHistory } from "@blockchaincore/core/ports/EventHistory"
import { HealthReport, readApiRoutes, ServedSymbols } from "@blockchaincore/api/ReadApiServer"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { anomalyDetected } from "@blockchaincore/core/events/DomainEvent"
import { layerSqliteEventHistory } from "@blockchaincore/local/sqlite/SqliteEventHistory"
import { makeSqliteCandleStore } from "@blockchaincore/local/sqlite/SqliteCandleStore"
import { DatabaseSync } from "node:sqlite"
import { candleAt } from "@blockchaincore/testkit/builders"
import { localSnapshot } from "./monitor/LocalSource.ts"
import { render } from "./monitor/Snapshot.ts"
import { decodeOutputs, dotEnv, outputsOf } from "./ops/SstOutputs.ts"
import { decodeArgs } from "./ops/ScriptCommand.ts"
import { MONITOR_FLAGS, monitorTarget, STAGE_FLAGS } from "./ops/Stage.ts"

const T0 = Date.UTC(2024, 7, 8, 23, 54)
const scope = Effect.runSync(Scope.make())
let base: string

beforeAll(async () => {
  const store = makeSqliteCandleStore(new DatabaseSync(":memory:"))
  await Effect.runPromise(store.putCandles([candleAt("BTCUSDT", T0 - 60_000), candleAt("BTCUSDT", T0), candleAt("ETHUSDT", T0, "2650.10000000")]))
  const health = Layer.succeed(HealthReport, { current: Effect.succeed({ status: "ok" as const, symbols: ["BTCUSDT", "ETHUSDT"] }) })
  const served = HttpRouter.serve(readApiRoutes, { disableLogger: true, disableListenLog: true }).pipe(
    Layer.provideMerge(
      Layer.mergeAll(Layer.succeed(CandleStore, store), layerSqliteEventHistory(":memory:"), health, ServedSymbols.fixed(["BTCUSDT", "ETHUSDT"]))
    ),
    Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" }))
  )
  const context = await Effect.runPromise(Layer.buildWithScope(served, scope))
  await Effect.runPromise(
    Context.get(context, EventHistory).record(
      anomalyDetected({ candle: candleAt("BTCUSDT", T0), rule: "price_movement", severity: "high", metrics: { change: 0.2 }, threshold: 0.05 })
    )
  )
  const address = Context.get(context, HttpServer.HttpServer).address
  base = `http://127.0.0.1:${address._tag === "UnixPathAddress" ? 0 : address.port}`
})
afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))

describe("monitor --local", () => {
  it("shows health, the last candle per symbol and recent anomalies", async () => {
    const text = render(await localSnapshot(base, T0 + 120_000))
    expect(text).toContain("local runtime at http://127.0.0.1:")
    expect(text).toContain("status ok")
    expect(text).toMatch(/BTCUSDT\s+2024-08-08 23:54\s+close 61234\.56789012\s+\(60 s ago\)/)
    expect(text).toMatch(/ETHUSDT\s+2024-08-08 23:54\s+close 2650\.10000000/)
    expect(text).toContain("2024-08-08 23:54  BTCUSDT 1m price_movement (high)")
  })
})

describe("operator scripts' decisions", () => {
  it("arguments are decoded, the stage and region given explicitly", () => {
    expect(() => decodeArgs(STAGE_FLAGS, ["--stage", "Prod!", "--region", "ap-northeast-1"])).toThrow(/stage.*a stage is lower-case/)
    expect(() => decodeArgs(STAGE_FLAGS, ["--region", "ap-northeast-1"])).toThrow(/stage/)
    expect(() => decodeArgs(STAGE_FLAGS, ["--stage", "dev"])).toThrow(/region/)
    expect(() => decodeArgs(STAGE_FLAGS, ["--stage", "dev", "--region", "tokyo"])).toThrow(/region.*an AWS region/)
    expect(() => decodeArgs(STAGE_FLAGS, ["--local", "http://127.0.0.1:8787"])).toThrow(/local/)
    expect(decodeArgs(STAGE_FLAGS, ["--stage", "alice", "--region", "eu-west-1"])).toEqual({ stage: "alice", region: "eu-west-1" })
    const monitor = (argv: ReadonlyArray<string>) => monitorTarget(decodeArgs(MONITOR_FLAGS, argv))
    expect(monitor(["--stage", "alice", "--region", "eu-west-1"])).toEqual({ _tag: "Aws", stage: "alice", region: "eu-west-1" })
    expect(monitor(["--local", "http://127.0.0.1:8787"])).toEqual({ _tag: "Local", local: "http://127.0.0.1:8787" })
    expect(() => monitor([])).toThrow(/--stage is required \(or --local URL/)
    expect(() => monitor(["--stage", "dev"])).toThrow(/--region is required/)
    expect(() => monitor(["--local", "http://127.0.0.1:8787", "--stage", "dev"])).toThrow(/without --stage/)
  })

  it("outputs of another stage or region are refused; .env is written from the stage's own", () => {
    expect(() => decodeOutputs(JSON.stringify({ queue: "q" }))).toThrow(/not this app's outputs/)
    const outputs = {
      stage: "prod",
      region: "ap-northeast-1",
      queue: "https://sqs/q.fifo",
      deadLetterQueue: "https://sqs/d.fifo",
      consumerFailures: "https://sqs/f",
      bus: "b",
      pipe: "p",
      api: "https://api/",
      dashboard: "https://d.cloudfront.net",
      archive: "a",
      athenaWorkgroup: "w",
      glueDatabase: "g",
      producer: "s",
      cluster: "c",
      functions: "f1,f2"
    }
    const text = JSON.stringify(outputs)
    expect(() => outputsOf(text, "dev", "ap-northeast-1")).toThrow(/holds stage prod in ap-northeast-1, not dev in ap-northeast-1: refusing/)
    expect(() => outputsOf(text, "prod", "us-east-1")).toThrow(/refusing to act on another stage's resources/)
    expect(dotEnv(outputsOf(text, "prod", "ap-northeast-1"))).toContain(
      "QUEUE_URL=https://sqs/q.fifo\nDEAD_LETTER_QUEUE_URL=https://sqs/d.fifo\nCONSUMER_FAILURES_URL=https://sqs/f\n"
    )
  })
})
