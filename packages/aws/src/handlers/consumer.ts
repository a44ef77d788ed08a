/** Every bus subscription's function: `CONSUMER` (stacks/events.ts) names the registry entry it runs on the AWS ports. */
import { Schema } from "effect"
import { ConsumerName, consumerOn, type ConsumerOutcome } from "../consumers/ConsumerFunction.ts"
import { oneLine } from "@blockchaincore/core/errors/errorMessage"
import { AWS_PORTS } from "../runtime/AwsPorts.ts"

export { ConsumerName } from "../consumers/ConsumerFunction.ts"
export const consumerHandler = consumerOn(AWS_PORTS)
const name = Schema.decodeUnknownResult(ConsumerName)(process.env["CONSUMER"])
const run = name._tag === "Success" ? consumerHandler(name.success) : undefined

export const handler = (event: unknown): Promise<ConsumerOutcome> =>
  run === undefined ? Promise.reject(new Error(`CONSUMER must name a registry entry: ${name._tag === "Failure" ? oneLine(name.failure) : ""}`)) : run(event)
