/**
 * A counted run turned into a month on AWS: each count scaled from the run's stream time to a
 * month (730 hours), except what a candle interval drives (a consumer's work on each 1h or 1d
 * candle), scaled by how many such candles a month has; then priced with the table in
 * Prices.ts. Every line says what it counts and how; the few things no local run can count
 * (the producer's task hours, the pipe's idle polling, log overhead) are listed as assumptions.
 */
import { Schema } from "effect"
import { Interval, intervalMillis } from "@blockchaincore/core/candle/Interval"
import { REGISTRY } from "@blockchaincore/services/consumers/ConsumerRegistry"
import type { Snapshot } from "./AwsCounters.ts"
import type { CountedRun } from "./CountedRun.ts"
import { HOURS_PER_MONTH, type PriceTable } from "./Prices.ts"

export interface Line {
  readonly service: string
  readonly usage: string
  readonly dollars: number
}

export interface Estimate {
  readonly lines: ReadonlyArray<Line>
  readonly total: number
  /** The total with the producer on Fargate Spot (a stage setting: stacks/config.ts). */
  readonly totalOnSpot: number
  readonly assumptions: ReadonlyArray<string>
}

/**
 * Alarms besides one per function's errors (stacks/alerts.ts): the two dead-letter queues, pipe
 * failures whole and partial, API throttling, no CandleClosed.
 */
export const ALARMS_BESIDE_FUNCTION_ERRORS = 6
/** Functions besides the consumers: enrichment, processor, API. */
const PIPE_AND_API_FUNCTIONS = 3

const MONTH_MINUTES = HOURS_PER_MONTH * 60
/** Pipes long-poll the queue even when it is empty; AWS does not publish the poller count. */
const ASSUMED_IDLE_RECEIVES_PER_MINUTE = 15
/** Application log lines per invocation on average (Lambda's own START/END/REPORT lines are off: stacks/functions.ts). */
const LOG_BYTES_PER_INVOCATION = 40
const PRODUCER_VCPU = 0.25
const PRODUCER_GB = 0.5
/** node:24-alpine and the two bundled files (packages/aws/Dockerfile). */
const IMAGE_GB = 0.06
/**
 * Spans in one traced batch's trace: 14.9 measured on the local runtime replaying the recording
 * (the producer's three, the pipe's hops and each symbol's processing, the bus, each consumer's
 * handling); with the functions' own invocation spans, 17.
 */
const SPANS_PER_TRACED_BATCH = 17
/** A span as CloudWatch stores it in `aws/spans` (a JSON document with its resource): about 1 KiB, assumed. */
const SPAN_BYTES = 1024
/** Local durations (dynalite, s3rver on loopback) doubled, for the network between services. */
const DURATION_FACTOR = 2

const FUNCTIONS: Readonly<Record<string, { readonly gb: number; readonly x86: boolean }>> = {
  enrichment: { gb: 0.5, x86: false },
  processor: { gb: 0.5, x86: false },
  anomaly: { gb: 0.5, x86: false },
  alert: { gb: 0.5, x86: false },
  archival: { gb: 1, x86: true },
  webhook: { gb: 0.5, x86: false }
}

const decodeInterval = Schema.decodeUnknownOption(Interval)

const scaled = (s: Snapshot, factor: number) => ({
  count: (name: string) => (s.commands.get(name) ?? 0) * factor,
  readUnits: s.readUnits * factor,
  writeUnits: s.writeUnits * factor
})

const fmt = (n: number) => (n >= 1_000_000 ? `${(n / 1_000_000).toFixed(2)} M` : n >= 1_000 ? `${(n / 1_000).toFixed(1)} k` : n.toFixed(0))

/** `tracesSample`: the share of batches traced (BLOCKCHAINCORE_TRACES_SAMPLE; 0 when tracing is off). */
export const estimate = (run: CountedRun, prices: PriceTable, tracesSample = 0): Estimate => {
  const perMonth = MONTH_MINUTES / run.minutes
  // Each consumer's requests, scaled by how often its kind of event happens in a month.
  const parts = [{ name: "stream", s: scaled(run.stream, perMonth) }]
  const lambda = new Map<string, { invocations: number; gbSeconds: number }>()
  const addLambda = (fn: string, invocations: number, millis: number) => {
    const spec = FUNCTIONS[fn] ?? { gb: 0.5, x86: false }
    const current = lambda.get(fn) ?? { invocations: 0, gbSeconds: 0 }
    lambda.set(fn, { invocations: current.invocations + invocations, gbSeconds: current.gbSeconds + (millis / 1000) * DURATION_FACTOR * spec.gb })
  }
  addLambda("enrichment", run.enrichment.count * perMonth, run.enrichment.millis * perMonth)
  addLambda("processor", run.processor.count * perMonth, run.processor.millis * perMonth)
  for (const entry of run.consumers.values()) {
    const [tag, intervalText] = entry.kind.split(" ")
    const interval = decodeInterval(intervalText)
    const factor =
      tag === "CandleClosed" && interval._tag === "Some"
        ? (run.symbols * (MONTH_MINUTES * 60_000)) / intervalMillis[interval.value] / entry.invocations.count
        : perMonth
    parts.push({ name: entry.consumer, s: scaled(entry.requests, factor) })
    addLambda(entry.consumer, entry.invocations.count * factor, entry.invocations.millis * factor)
  }
  const sum = (f: (s: ReturnType<typeof scaled>) => number) => parts.reduce((n, p) => n + f(p.s), 0)

  const lines: Array<Line> = []
  const line = (service: string, usage: string, dollars: number) => lines.push({ service, usage, dollars })

  const fargate = HOURS_PER_MONTH * (PRODUCER_VCPU * prices.fargateArmVcpuHour + PRODUCER_GB * prices.fargateArmGbHour)
  line("Fargate (producer)", `${PRODUCER_VCPU} vCPU, ${PRODUCER_GB} GB, ARM, ${HOURS_PER_MONTH} h, on-demand`, fargate)
  line("Public IPv4 (producer)", `1 address, ${HOURS_PER_MONTH} h`, HOURS_PER_MONTH * prices.publicIpv4Hour)
  line("ECR (producer image)", `${IMAGE_GB} GB stored`, IMAGE_GB * prices.ecrStoragePerGbMonth)

  const sends = run.messages.sendRequestChunks * perMonth
  const receives = run.pipeBatches * perMonth + ASSUMED_IDLE_RECEIVES_PER_MINUTE * MONTH_MINUTES
  const deletes = run.pipeBatches * perMonth
  line(
    "SQS FIFO",
    `${fmt(sends)} send + ${fmt(receives)} receive + ${fmt(deletes)} delete requests (${fmt(run.messages.count * perMonth)} messages)`,
    ((sends + receives + deletes) / 1e6) * prices.sqsFifoPerMillionRequests
  )
  const pipeRequests = run.messages.chunks64k * perMonth
  line("EventBridge Pipes", `${fmt(pipeRequests)} requests (64 KB chunks)`, (pipeRequests / 1e6) * prices.pipesPerMillionRequests)

  let lambdaInvocations = 0
  for (const [fn, use] of lambda) {
    const spec = FUNCTIONS[fn] ?? { gb: 0.5, x86: false }
    lambdaInvocations += use.invocations
    line(
      `Lambda: ${fn}`,
      `${fmt(use.invocations)} invocations, ${fmt(use.gbSeconds)} GB-s (${spec.x86 ? "x86" : "ARM"})`,
      (use.invocations / 1e6) * prices.lambdaPerMillionRequests + use.gbSeconds * (spec.x86 ? prices.lambdaX86PerGbSecond : prices.lambdaArmPerGbSecond)
    )
  }

  const rru = sum((s) => s.readUnits)
  const wru = sum((s) => s.writeUnits)
  line(
    "DynamoDB requests",
    `${fmt(rru)} read units, ${fmt(wru)} write units`,
    (rru / 1e6) * prices.dynamoPerMillionReadUnits + (wru / 1e6) * prices.dynamoPerMillionWriteUnits
  )
  const candleItemsPerMonth =
    run.symbols * (["1m", "5m", "15m", "1h", "4h", "1d"] as const).reduce((n, i) => n + (MONTH_MINUTES * 60_000) / intervalMillis[i], 0)
  const candleGb = (candleItemsPerMonth * run.candleItemBytes) / 1024 ** 3
  line(
    "DynamoDB storage",
    `+${candleGb.toFixed(3)} GB of candles a month (${fmt(candleItemsPerMonth)} items); first month shown`,
    candleGb * prices.dynamoStoragePerGbMonth
  )

  const puts = sum((s) => s.count("s3:PutObjectCommand") + s.count("s3:ListObjectsV2Command"))
  const gets = sum((s) => s.count("s3:GetObjectCommand"))
  line("S3 requests", `${fmt(puts)} PUT/LIST, ${fmt(gets)} GET`, (puts / 1000) * prices.s3PutPerThousand + (gets / 1000) * prices.s3GetPerThousand)
  const archiveGbPerMonth = (run.archiveBytes / 1024 ** 3) * perMonth
  const stagingGb = (run.stagingBytes / 1024 ** 3) * ((7 * 24 * 60) / run.minutes)
  line(
    "S3 storage",
    `+${archiveGbPerMonth.toFixed(2)} GB of Parquet a month, ${stagingGb.toFixed(2)} GB staged (7 days); first month shown`,
    (archiveGbPerMonth + stagingGb) * prices.s3StandardPerGbMonth
  )

  const events = run.events.chunks64k * perMonth
  line("EventBridge bus", `${fmt(events)} events published (64 KB chunks)`, (events / 1e6) * prices.eventBridgePerMillionEvents)
  const publishes = run.publishes * perMonth
  line(
    "SNS",
    `${fmt(publishes)} alert publishes (+ e-mail deliveries at $${prices.snsEmailPerHundredThousand}/100k)`,
    (publishes / 1e6) * prices.snsPerMillionPublishes
  )
  const alarms = ALARMS_BESIDE_FUNCTION_ERRORS + PIPE_AND_API_FUNCTIONS + REGISTRY.length
  const logGb = (lambdaInvocations * LOG_BYTES_PER_INVOCATION) / 1024 ** 3
  line("CloudWatch", `${alarms} alarms, ${logGb.toFixed(2)} GB of logs`, alarms * prices.cloudWatchAlarmMonth + logGb * prices.cloudWatchLogsIngestedPerGb)
  // SNS asks KMS for a data key per publish at worst (it caches them); CloudWatch's alarm publishes are few.
  line(
    "KMS (topics' key)",
    `1 customer-managed key, at most ${fmt(publishes)} requests`,
    prices.kmsKeyMonth + (publishes / 10_000) * prices.kmsPerTenThousandRequests
  )
  line("SQS (consumer failures)", "a standard queue, empty unless a consumer fails: nothing polls it", 0)
  // Transaction Search bills spans as CloudWatch Logs ingestion into aws/spans; the 1% it indexes by default is free.
  const tracedBatches = run.messages.count * perMonth * tracesSample
  const traceGb = (tracedBatches * SPANS_PER_TRACED_BATCH * SPAN_BYTES) / 1024 ** 3
  line(
    "Traces (CloudWatch)",
    tracesSample === 0
      ? "tracing off (BLOCKCHAINCORE_OTLP_ENDPOINT unset)"
      : `${fmt(tracedBatches)} batches traced (${tracesSample * 100}%), ${fmt(tracedBatches * SPANS_PER_TRACED_BATCH)} spans, ${traceGb.toFixed(2)} GB ingested`,
    traceGb * prices.cloudWatchLogsIngestedPerGb
  )

  const total = lines.reduce((n, l) => n + l.dollars, 0)
  return {
    lines,
    total,
    totalOnSpot: total - fargate * prices.fargateSpotDiscount,
    assumptions: [
      `${run.symbols} symbols at ${run.rate} trades/s each: ${fmt(run.trades)} synthetic trades over ${run.minutes} minutes of stream time, scaled to ${HOURS_PER_MONTH} hours; a consumer's work on each candle interval scaled by that interval's candles a month`,
      "counted, not assumed: SQS messages and send requests (the SQS adapter), pipe batches (one per send request), DynamoDB capacity units (reported by the table), S3 requests and bytes, EventBridge events, SNS publishes, invocations of every function",
      `assumed: ${SPANS_PER_TRACED_BATCH} spans of ${SPAN_BYTES} bytes a traced batch, sent to CloudWatch's OTLP endpoint (BLOCKCHAINCORE_OTLP_ENDPOINT=xray) and billed as log ingestion (Transaction Search; its default 1% index is free); the pipe's idle long polling, ${ASSUMED_IDLE_RECEIVES_PER_MINUTE} receives a minute; Lambda durations = local durations × ${DURATION_FACTOR}; ${LOG_BYTES_PER_INVOCATION} bytes of log lines per invocation (the functions log errors and compactions only); a ${IMAGE_GB} GB producer image`,
      "not included: free tiers, data transfer (the producer's inbound stream is free), Athena ($5 per TB scanned, per query), requests to AWS-managed keys (S3 bucket keys), the API's and dashboard's traffic (CloudFront and the API function: per viewer, see docs/aws.md), storage growth after the first month"
    ]
  }
}
