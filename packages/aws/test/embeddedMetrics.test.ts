/**
 * Nothing dropped silently: an undecodable event and a consumer's failure are counted in metrics
 * that really reach CloudWatch, read back from the function's log as Lambda's JSON log format
 * records it and as CloudWatch extracts embedded metrics from it.
 */
import { describe, expect, it } from "vitest"
import { extractEmf, lambdaJsonLog } from "@blockchaincore/testkit/cloudWatchEmf"
import { countOne, METRIC_NAMESPACE } from "../src/runtime/EmbeddedMetrics.ts"
import { reportMalformed } from "../src/runtime/MalformedInput.ts"
import { Console, Effect } from "effect"

describe("the functions' own metrics, as CloudWatch extracts them", () => {
  it("an undecodable input is a MalformedInput datapoint, per function and in all", async () => {
    const { events } = await lambdaJsonLog(() => Effect.runPromise(reportMalformed("consumer anomaly", "event is not a market event: detail-type")))
    const points = events.flatMap(extractEmf)
    expect(points).toEqual([
      { namespace: METRIC_NAMESPACE, metric: "MalformedInput", dimensions: { Function: "local" }, value: 1 },
      { namespace: METRIC_NAMESPACE, metric: "MalformedInput", dimensions: {}, value: 1 }
    ])
    expect(JSON.parse(events[0]!)).toMatchObject({ where: "consumer anomaly", reason: "event is not a market event: detail-type" })
  })

  it("a consumer's failure is a ConsumerFailed datapoint under its name", async () => {
    const { events } = await lambdaJsonLog(() =>
      Effect.runPromise(countOne("ConsumerFailed", { name: "Consumer", value: "archival" }, { reason: "S3 unavailable" }))
    )
    expect(events.flatMap(extractEmf).map((p) => [p.metric, p.dimensions])).toEqual([
      ["ConsumerFailed", { Consumer: "archival" }],
      ["ConsumerFailed", {}]
    ])
  })

  it("the same document printed with console is wrapped by Lambda's JSON log format, and CloudWatch extracts nothing from it", async () => {
    const { events } = await lambdaJsonLog(() =>
      Effect.runPromise(
        Console.log(
          JSON.stringify({
            _aws: {
              Timestamp: 1,
              CloudWatchMetrics: [{ Namespace: METRIC_NAMESPACE, Dimensions: [[]], Metrics: [{ Name: "MalformedInput", Unit: "Count" }] }]
            },
            MalformedInput: 1
          })
        )
      )
    )
    expect(events).toHaveLength(1)
    expect(events.flatMap(extractEmf)).toEqual([])
  })
})
