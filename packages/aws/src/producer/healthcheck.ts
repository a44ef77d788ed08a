/**
 * The container's health check (HEALTHCHECK in packages/aws/Dockerfile, `health` in
 * stacks/producer.ts): exit 0 when the producer's heartbeat says it is healthy, 1 with the
 * reason on stderr otherwise.
 */
import { readFileSync } from "node:fs"
import { Config, ConfigProvider, Effect } from "effect"
import { verdictOnFile } from "./Heartbeat.ts"
import { DEFAULT_HEALTH_FILE } from "./ProducerEnvironment.ts"
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"

// Read as the task reads it (ProducerEnvironment.ts): through Effect's Config, from the environment.
const file = Effect.runSync(Config.String("HEALTH_FILE").pipe(Config.withDefault(DEFAULT_HEALTH_FILE)).parse(ConfigProvider.fromEnv()))
const read = (() => {
  try {
    return { text: readFileSync(file, "utf8") }
  } catch (e) {
    return { missing: errorMessage(e) }
  }
})()
const verdict = verdictOnFile(file, read, Date.now())
if (!verdict.healthy) process.stderr.write(`unhealthy: ${verdict.reason}\n`)
process.exitCode = verdict.healthy ? 0 : 1
