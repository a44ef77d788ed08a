/** The bench's view of tracing: a collector that takes and drops spans, and the hops' table from `/metrics`. */
import { createServer } from "node:http"
import { HOP_NAMES, HOPS } from "@blockchaincore/core/tracing/Hops"
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

const quantile = (metrics: string, hop: string, q: string) => {
  const line = metrics.split("\n").find((l) => l.startsWith("blockchaincore_hop_latency_seconds{") && l.includes(`hop="${hop}"`) && l.includes(`quantile="${q}"`) && !l.includes("consumer="))
  const value = Number(line?.split(" ").at(-1))
  return Number.isFinite(value) ? `${(value * 1_000).toFixed(1)} ms` : "–"
}

/** Each hop's p50 and p99 as a table (the consumers' hop over all consumers is per consumer: their worst p99). */
export const hopTable = (metrics: string): string =>
  HOP_NAMES.map((hop) => {
    if (hop === "consume") {
      const p99s = metrics.split("\n").filter((l) => l.startsWith("blockchaincore_hop_latency_seconds{") && l.includes('hop="consume"') && l.includes('quantile="0.99"'))
      const worst = Math.max(...p99s.map((l) => Number(l.split(" ").at(-1))).filter(Number.isFinite))
      return `  ${hop.padEnd(9)} p99 of the slowest consumer ${Number.isFinite(worst) ? `${(worst * 1_000).toFixed(1)} ms` : "–"}   ${HOPS[hop]}`
    }
    return `  ${hop.padEnd(9)} p50 ${quantile(metrics, hop, "0.5").padStart(9)}   p99 ${quantile(metrics, hop, "0.99").padStart(9)}   ${HOPS[hop]}`
  }).join("\n")
