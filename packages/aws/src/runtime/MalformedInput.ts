/**
 * Input a handler could not decode: logged with what was wrong and where, and counted as the
 * CloudWatch metric `BlockchainCore/MalformedInput` (per function) through the embedded metric
 * format, a log line CloudWatch turns into a metric without an API call.
 */
import { Config, Console, Effect } from "effect"

const METRIC_NAMESPACE = "BlockchainCore"

/** The function's name as Lambda sets it; "local" in tests. */
const functionName = Config.String("AWS_LAMBDA_FUNCTION_NAME").pipe(Config.withDefault("local"), Effect.orElseSucceed(() => "local"))

export const reportMalformed = Effect.fn("reportMalformed")(function*(where: string, reason: string) {
    const fn = yield* functionName
    yield* Console.log(
      JSON.stringify({
        _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{ Namespace: METRIC_NAMESPACE, Dimensions: [["Function"]], Metrics: [{ Name: "MalformedInput", Unit: "Count" }] }] },
        Function: fn,
        MalformedInput: 1,
        level: "error",
        where,
        reason
      })
    )
  })
