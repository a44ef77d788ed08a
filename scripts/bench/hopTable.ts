/** The bench's view of tracing: a collector that takes and drops spans, and the hops' table from `/health`. */
import { createServer } from "node:http"
import { HOP_NAMES, HOPS } from "@blockchaincore/core/tracing/Hops"
import { type HopLatency } from "@blockchaincore/core/health/PipelineHealth"
import { portOf } from "@blockchaincore/testkit/awsStandIns"

/** An OTLP endpoint that reads each export and answers at once, counting what it was sent. */
export const startSpanSink = async () => {
  let bytes = 0
  const server = createServer((req, res) => {
    req.on("data", (chunk: Buffer) => (bytes += chunk.length))
    req.on("end", () => res.writeHead(200, { "content-type": "application/x-protobuf" }).end())
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    url: `http://127.0.0.1:${portOf(server.address())}`,
    bytes: () => bytes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

const ms = (value: number | null | undefined) => (value === null || value === undefined ? "–" : `${value.toFixed(1)} ms`)

/** Each hop's p50 and p99 as `/health` gives them (hopLatencies); the consumers' hop as the slowest consumer's p99. */
export const hopTable = (latency: ReadonlyArray<HopLatency>): string =>
  HOP_NAMES.map((hop) => {
    if (hop === "consume") {
      const worst = Math.max(
        ...latency
          .filter((l) => l.hop === hop)
          .map((l) => l.p99Millis ?? Number.NaN)
          .filter(Number.isFinite)
      )
      return `  ${hop.padEnd(9)} p99 of the slowest consumer ${ms(Number.isFinite(worst) ? worst : undefined)}   ${HOPS[hop]}`
    }
    const l = latency.find((h) => h.hop === hop)
    return `  ${hop.padEnd(9)} p50 ${ms(l?.p50Millis).padStart(9)}   p99 ${ms(l?.p99Millis).padStart(9)}   ${HOPS[hop]}`
  }).join("\n")
