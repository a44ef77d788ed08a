/**
 * Tracing as a user turns it on: `npm start -- --otlp-url URL`, and the standard OpenTelemetry
 * variables instead of the flag, the real CLI replaying the recording to a loopback collector.
 * A bad URL stops the command naming it (the variables: adapters/test/tracingSettings.test.ts).
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, expect, it } from "vitest"
import { type ReceivedSpan, startOtlpReceiver } from "@blockchaincore/testkit/otlpReceiver"
import { describeWithSharedData, RECORDING, sharedFile } from "@blockchaincore/testkit/sharedData"
import { runCli, startCliWithEnv, waitFor } from "@blockchaincore/testkit/cli"

const receivers: Array<Awaited<ReturnType<typeof startOtlpReceiver>>> = []
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close()
})
const receiver = async () => {
  const r = await startOtlpReceiver()
  receivers.push(r)
  return r
}
const scratch = () => mkdtempSync(join(tmpdir(), "blockchaincore-otlp-"))
const batchRoots = (spans: ReadonlyArray<ReceivedSpan>) => spans.filter((s) => s.name === "batch")

describeWithSharedData("start --otlp-url", () => {
  it("sends the replay's traces to the collector at the URL, every batch (the default sampler keeps all)", async () => {
    const collector = await receiver()
    const rt = await startCliWithEnv(
      { OTEL_BSP_SCHEDULE_DELAY: "200" },
      "--replay",
      sharedFile(RECORDING),
      "--data-dir",
      scratch(),
      "--port",
      "0",
      "--otlp-url",
      collector.url
    )
    try {
      await waitFor("the replay's batches, traced", async () => batchRoots(collector.spans).length >= 20)
      expect(collector.requests.every((r) => r.path === "/v1/traces")).toBe(true)
      expect(collector.spans.some((s) => s.name.startsWith("consume "))).toBe(true)
    } finally {
      expect(await rt.stop()).toBe(130)
    }
  })

  it("reads OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_TRACES_SAMPLER instead: always_off sends no batch's trace", async () => {
    const collector = await receiver()
    const rt = await startCliWithEnv(
      { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_TRACES_SAMPLER: "always_off", OTEL_BSP_SCHEDULE_DELAY: "200" },
      "--replay",
      sharedFile(RECORDING),
      "--data-dir",
      scratch(),
      "--port",
      "0"
    )
    try {
      // Bounded, on the runtime's own count: every trade processed.
      await waitFor("the replay, processed", async () =>
        /blockchaincore_batches_processed_total(\{[^}]*\})? (2[0-9]|[3-9][0-9])/.test(await (await fetch(`http://127.0.0.1:${rt.port}/metrics`)).text())
      )
    } finally {
      expect(await rt.stop()).toBe(130)
    }
    expect(batchRoots(collector.spans)).toEqual([])
  })

  it("refuses a URL that is not http or https, naming the flag", async () => {
    const url = await runCli("start", "--otlp-url", "grpc://collector:4317", "--replay", sharedFile(RECORDING), "--data-dir", scratch())
    expect(url.code).not.toBe(0)
    expect(url.stdout + url.stderr).toMatch(/--otlp-url: .*http:\/\/ or https:\/\/ URL/)
  })
})
