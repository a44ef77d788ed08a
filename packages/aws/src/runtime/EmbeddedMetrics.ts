/**
 * Counts CloudWatch extracts from a function's log without an API call: one embedded-metric-format
 * document per line, written to standard output itself. Not through `console`: under Lambda's
 * JSON log format the runtime wraps what `console` prints in a JSON object of its own, and
 * CloudWatch extracts nothing from a document nested in a message (what aws-embedded-metrics
 * 4.1.1 fixed by writing to stdout).
 *
 * Each count is kept under its own dimension (the function, the consumer) and under none, so one
 * alarm watches the sum over every function.
 */
import { Clock, Config, Effect } from "effect"

export const METRIC_NAMESPACE = "BlockchainCore"

/** The function's name as Lambda sets it; "local" in tests. */
const functionName = Config.String("AWS_LAMBDA_FUNCTION_NAME").pipe(
  Config.withDefault("local"),
  Effect.orElseSucceed(() => "local")
)

/** One count of `metric`, with its dimension and what else the log line should say. */
export const countOne = Effect.fn("countOne")(function* (
  metric: string,
  dimension: { readonly name: string; readonly value?: string },
  properties: Readonly<Record<string, string>>
) {
  const timestamp = yield* Clock.currentTimeMillis
  const value = dimension.value ?? (yield* functionName)
  const document = {
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [{ Namespace: METRIC_NAMESPACE, Dimensions: [[dimension.name], []], Metrics: [{ Name: metric, Unit: "Count" }] }]
    },
    [dimension.name]: value,
    [metric]: 1,
    ...properties
  }
  yield* Effect.sync(() => void process.stdout.write(`${JSON.stringify(document)}\n`))
})
