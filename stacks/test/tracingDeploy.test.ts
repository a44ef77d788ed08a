/**
 * Tracing on a stage, as a user turns it on: `BLOCKCHAINCORE_OTLP_ENDPOINT` (and the share
 * traced) in the environment of `sst deploy`, run offline. Every program that traces a hop (the
 * pipe's two functions, each consumer, the producer task) gets OpenTelemetry's variables; the
 * API, which traces none, does not.
 */
import { beforeAll, expect, it } from "vitest"
import { REGISTRY } from "@blockchaincore/services/consumers/ConsumerRegistry"
import { buildDashboard } from "@blockchaincore/web/build"
import { type OfflineRun, runOffline } from "./offline/offlineApp.ts"
import { one } from "./offline/resources.ts"

const OTEL = { OTEL_EXPORTER_OTLP_ENDPOINT: "https://collector.example.com:4318", OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.05" }

let traced: OfflineRun
beforeAll(async () => {
  // The static site checks its build output exists (the build itself is the CLI's, mocked here).
  await buildDashboard("")
  traced = await runOffline("prod", "config", { BLOCKCHAINCORE_OTLP_ENDPOINT: OTEL.OTEL_EXPORTER_OTLP_ENDPOINT, BLOCKCHAINCORE_TRACES_SAMPLE: "0.05" })
}, 300_000)

const variablesOf = (name: string) => {
  const environment = one(traced, "aws:lambda/function:Function", name).inputs["environment"]
  return typeof environment === "object" && environment !== null && "variables" in environment ? environment.variables : undefined
}

it("gives every traced program the collector and the sampler, and the API nothing", () => {
  for (const fn of ["EnrichmentFunction", "ProcessorFunction", ...REGISTRY.map((c) => `MarketSubscriber${c.name}FunctionFunction`)]) {
    expect(variablesOf(fn), fn).toMatchObject(OTEL)
  }
  expect(variablesOf("ApiFunction") ?? {}).not.toHaveProperty("OTEL_EXPORTER_OTLP_ENDPOINT")
  const container: unknown = JSON.parse(String(one(traced, "aws:ecs/taskDefinition:TaskDefinition", "ProducerTask").inputs["containerDefinitions"]))
  const environment = Array.isArray(container) ? container[0]?.environment : undefined
  expect(environment).toEqual(expect.arrayContaining(Object.entries(OTEL).map(([name, value]) => ({ name, value }))))
})
