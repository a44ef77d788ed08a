/**
 * Input a handler could not decode: logged with what was wrong and where, and counted as the
 * CloudWatch metric `BlockchainCore/MalformedInput` (per function) through the embedded metric
 * format, a log line CloudWatch turns into a metric without an API call.
 */
import { Console, Effect } from "effect"

const METRIC_NAMESPACE = "BlockchainCore"

export const reportMalformed = (where: string, reason: string) =>
  Effect.gen(function*() {
    const fn = process.env["AWS_LAMBDA_FUNCTION_NAME"] ?? "local"
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
