/** Every bus subscription's function: `CONSUMER` (stacks/events.ts) names the registry entry it runs on the AWS ports. */
import { Config, Effect, Result } from "effect"
import { ConsumerName, consumerOn, type ConsumerOutcome } from "../consumers/ConsumerFunction.ts"
import { oneLine } from "@blockchaincore/core/errors/errorMessage"
import { AWS_PORTS } from "../runtime/AwsPorts.ts"
import { FunctionMisconfigured } from "../runtime/HandlerErrors.ts"

export { ConsumerName } from "../consumers/ConsumerFunction.ts"
export const consumerHandler = consumerOn(AWS_PORTS)
/** Read once, when Lambda loads the function: a wrong name fails every invocation, naming it. */
const run = Effect.runSync(
  Effect.result(
    Config.schema(ConsumerName, "CONSUMER").pipe(
      Effect.mapError((e) => new FunctionMisconfigured({ message: `CONSUMER must name a registry entry: ${oneLine(e)}` })),
      Effect.map(consumerHandler)
    )
  )
)

export const handler = (event: unknown): Promise<ConsumerOutcome> => (Result.isSuccess(run) ? run.success(event) : Promise.reject(run.failure))
