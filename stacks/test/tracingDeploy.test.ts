/**
 * Tracing on a stage, as a user turns it on: `BLOCKCHAINCORE_OTLP_ENDPOINT` (and the share
 * traced) in the environment of `sst deploy`, run offline. Every program that traces a hop (the
 * pipe's two functions, each consumer, the producer task) gets OpenTelemetry's variables; the
 * API, which traces none, does not. With `xray`, the spans go to CloudWatch's endpoint in the
 * stage's region, and exactly the traced programs' roles may put them.
 */
import { beforeAll, expect, it } from "vitest"
import { REGISTRY } from "@blockchaincore/services/consumers/ConsumerRegistry"
import { buildDashboard } from "@blockchaincore/web/build"
import { type OfflineRun, runOffline } from "./offline/offlineApp.ts"
import { one, roleStatements } from "./offline/resources.ts"

const OTEL = {
  OTEL_EXPORTER_OTLP_ENDPOINT: "https://collector.example.com:4318",
  OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
  OTEL_TRACES_SAMPLER_ARG: "0.05"
}

let traced: OfflineRun
let xray: OfflineRun
beforeAll(async () => {
  // The static site checks its build output exists (the build itself is the CLI's, mocked here).
  await buildDashboard("")
  traced = await runOffline("prod", "config", { BLOCKCHAINCORE_OTLP_ENDPOINT: OTEL.OTEL_EXPORTER_OTLP_ENDPOINT, BLOCKCHAINCORE_TRACES_SAMPLE: "0.05" })
  xray = await runOffline("dev", "config", { BLOCKCHAINCORE_OTLP_ENDPOINT: "xray" })
}, 300_000)

const TRACED_FUNCTIONS = ["Enrichment", "Processor", ...REGISTRY.map((c) => `MarketSubscriber${c.name}Function`)]

const variablesOf = (name: string, run: OfflineRun = traced) => {
  const environment = one(run, "aws:lambda/function:Function", name).inputs["environment"]
  return typeof environment === "object" && environment !== null && "variables" in environment ? environment.variables : undefined
}

it("gives every traced program the collector and the sampler, and the API nothing", () => {
  for (const fn of TRACED_FUNCTIONS) expect(variablesOf(`${fn}Function`), fn).toMatchObject(OTEL)
  expect(variablesOf("ApiFunction") ?? {}).not.toHaveProperty("OTEL_EXPORTER_OTLP_ENDPOINT")
  const container: unknown = JSON.parse(String(one(traced, "aws:ecs/taskDefinition:TaskDefinition", "ProducerTask").inputs["containerDefinitions"]))
  const environment = Array.isArray(container) ? container[0]?.environment : undefined
  expect(environment).toEqual(expect.arrayContaining(Object.entries(OTEL).map(([name, value]) => ({ name, value }))))
})

const xrayActions = (run: OfflineRun, role: string) => roleStatements(run, role).filter((s) => s.Action.some((a) => a.startsWith("xray:")))

it("with xray, sends to CloudWatch's endpoint in the stage's region, and lets exactly the traced programs' roles put spans", () => {
  const region = one(xray, "aws:lambda/function:Function", "EnrichmentFunction").inputs["region"] ?? "ap-northeast-1"
  for (const fn of TRACED_FUNCTIONS) {
    expect(variablesOf(`${fn}Function`, xray), fn).toMatchObject({
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `https://xray.${String(region)}.amazonaws.com/v1/traces`,
      OTEL_TRACES_SAMPLER_ARG: "0.01"
    })
    expect(xrayActions(xray, `${fn}Role`), fn).toEqual([{ Effect: "Allow", Action: ["xray:PutSpans", "xray:PutSpansForIndexing"], Resource: ["*"] }])
    expect(xrayActions(traced, `${fn}Role`), fn).toEqual([])
  }
  expect(xrayActions(xray, "ProducerTaskRole")).toHaveLength(1)
  expect(xrayActions(xray, "ApiRole")).toEqual([])
})
