/**
 * The container's health check (HEALTHCHECK in packages/producer/Dockerfile, `health` in
 * stacks/producer.ts): exit 0 when the producer's heartbeat says it is healthy, 1 with the
 * reason on stderr otherwise.
 */
import { readFileSync } from "node:fs"
import { decodeHeartbeat, judge } from "./Heartbeat.ts"
import { DEFAULT_HEALTH_FILE } from "./ProducerEnvironment.ts"
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"

const file = process.env["HEALTH_FILE"] ?? DEFAULT_HEALTH_FILE
const verdict = (() => {
  let text: string
  try {
    text = readFileSync(file, "utf8")
  } catch (e) {
    return { healthy: false, reason: `no heartbeat file ${file}: ${errorMessage(e)}` } as const
  }
  const beat = decodeHeartbeat(text)
  return beat._tag === "Failure" ? ({ healthy: false, reason: `heartbeat file ${file}: ${beat.failure.message}` } as const) : judge(beat.success, Date.now())
})()
if (!verdict.healthy) process.stderr.write(`unhealthy: ${verdict.reason}\n`)
process.exitCode = verdict.healthy ? 0 : 1
