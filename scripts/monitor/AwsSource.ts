/**
 * `monitor --stage NAME`: the deployed stage, from its outputs (.sst/outputs.json): queue and
 * dead-letter depth (SQS), the pipe's state (Pipes), each function's calls, errors and p99
 * duration over the last hour (CloudWatch), the last candle per symbol (the stage's API, through CloudFront: its function's URL takes only CloudFront's signed requests), and
 * the month's cost so far and forecast for this app's stage (Cost Explorer, by SST's
 * `sst:app`/`sst:stage` tags, which must be activated as cost allocation tags).
 */
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from "@aws-sdk/client-cloudwatch"
import { CostExplorerClient, GetCostAndUsageCommand, GetCostForecastCommand } from "@aws-sdk/client-cost-explorer"
import { DescribePipeCommand, PipesClient } from "@aws-sdk/client-pipes"
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs"
import type { AppOutputs } from "../ops/SstOutputs.ts"
import { lastCandles } from "./LocalSource.ts"
import type { Snapshot } from "./Snapshot.ts"
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"

const attempt = async <A>(problems: Array<string>, what: string, run: () => Promise<A>): Promise<A | undefined> => {
  try {
    return await run()
  } catch (e) {
    problems.push(`${what}: ${errorMessage(e)}`)
    return undefined
  }
}

export const awsSnapshot = async (stage: string, outputs: AppOutputs, now: number): Promise<Snapshot> => {
  const problems: Array<string> = []
  const sqs = new SQSClient({ region: outputs.region })
  const depth = async (url: string) => {
    const a =
      (
        await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] })
        )
      ).Attributes ?? {}
    return { waiting: Number(a["ApproximateNumberOfMessages"] ?? 0), inFlight: Number(a["ApproximateNumberOfMessagesNotVisible"] ?? 0) }
  }
  const queue = await attempt(problems, "queue", async () => {
    const [main, dead] = await Promise.all([depth(outputs.queue), depth(outputs.deadLetterQueue)])
    return { depth: main.waiting, inFlight: main.inFlight, deadLetters: dead.waiting + dead.inFlight }
  })
  const pipe = await attempt(problems, "pipe", async () => {
    const p = await new PipesClient({ region: outputs.region }).send(new DescribePipeCommand({ Name: outputs.pipe }))
    return { state: p.CurrentState ?? "UNKNOWN", reason: p.StateReason }
  })
  const names = outputs.functions.split(",").filter((n) => n.length > 0)
  const functions =
    (await attempt(problems, "functions", async () => {
      const queries: Array<MetricDataQuery> = names.flatMap((name, i) => [
        {
          Id: `i${i}`,
          MetricStat: {
            Metric: { Namespace: "AWS/Lambda", MetricName: "Invocations", Dimensions: [{ Name: "FunctionName", Value: name }] },
            Period: 3600,
            Stat: "Sum"
          }
        },
        {
          Id: `e${i}`,
          MetricStat: {
            Metric: { Namespace: "AWS/Lambda", MetricName: "Errors", Dimensions: [{ Name: "FunctionName", Value: name }] },
            Period: 3600,
            Stat: "Sum"
          }
        },
        {
          Id: `d${i}`,
          MetricStat: {
            Metric: { Namespace: "AWS/Lambda", MetricName: "Duration", Dimensions: [{ Name: "FunctionName", Value: name }] },
            Period: 3600,
            Stat: "p99"
          }
        }
      ])
      const result = await new CloudWatchClient({ region: outputs.region }).send(
        new GetMetricDataCommand({ MetricDataQueries: queries, StartTime: new Date(now - 3_600_000), EndTime: new Date(now) })
      )
      const value = (id: string) => result.MetricDataResults?.find((r) => r.Id === id)?.Values?.[0]
      return names.map((name, i) => ({ name, invocations: value(`i${i}`) ?? 0, errors: value(`e${i}`) ?? 0, p99Millis: value(`d${i}`) }))
    })) ?? []
  const candles = (await attempt(problems, "candles", () => lastCandles(outputs.dashboard, now))) ?? []
  const cost = await attempt(problems, "cost", async () => {
    const ce = new CostExplorerClient({ region: "us-east-1" })
    const month = new Date(now).toISOString().slice(0, 8) + "01"
    const today = new Date(now).toISOString().slice(0, 10)
    const nextMonth = new Date(Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth() + 1, 1)).toISOString().slice(0, 10)
    const filter = { And: [{ Tags: { Key: "sst:app", Values: ["blockchaincore"] } }, { Tags: { Key: "sst:stage", Values: [stage] } }] }
    const usage = await ce.send(
      new GetCostAndUsageCommand({
        TimePeriod: { Start: month, End: today === month ? nextMonth : today },
        Granularity: "MONTHLY",
        Metrics: ["UnblendedCost"],
        Filter: filter,
        GroupBy: [{ Type: "DIMENSION", Key: "SERVICE" }]
      })
    )
    const byService = (usage.ResultsByTime?.[0]?.Groups ?? [])
      .map((g) => ({ service: g.Keys?.[0] ?? "?", dollars: Number(g.Metrics?.["UnblendedCost"]?.Amount ?? 0) }))
      .sort((a, b) => b.dollars - a.dollars)
    const forecast = await ce
      .send(new GetCostForecastCommand({ TimePeriod: { Start: today, End: nextMonth }, Granularity: "MONTHLY", Metric: "UNBLENDED_COST", Filter: filter }))
      .catch(() => undefined)
    const monthToDate = byService.reduce((n, s) => n + s.dollars, 0)
    return { monthToDate, forecast: forecast?.Total?.Amount === undefined ? undefined : monthToDate + Number(forecast.Total.Amount), byService }
  })
  return {
    where: `stage ${stage} on AWS`,
    ...(queue === undefined ? {} : { queue }),
    ...(pipe === undefined ? {} : { pipe }),
    functions,
    lastCandles: candles,
    anomalies: "not kept here",
    ...(cost === undefined ? {} : { cost }),
    problems
  }
}
