import { vi } from "vitest"

/**
 * What CloudWatch Logs extracts from a Lambda function's log events, by the embedded metric format
 * specification: a log event that is itself a JSON object with `_aws.Timestamp` and
 * `_aws.CloudWatchMetrics`, each directive's dimensions and metrics named at the object's root.
 * A document inside another (a message Lambda's JSON log format wrapped) yields nothing, as in
 * CloudWatch. And how Lambda's Node.js runtime writes `console` under that format, to feed it.
 */
export interface Datapoint {
  readonly namespace: string
  readonly metric: string
  readonly dimensions: Readonly<Record<string, string>>
  readonly value: number
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v)

/** The datapoints of one log event; none for an event that is not an EMF document. */
export const extractEmf = (logEvent: string): Array<Datapoint> => {
  let root: unknown
  try {
    root = JSON.parse(logEvent)
  } catch {
    return []
  }
  if (!isRecord(root) || !isRecord(root["_aws"])) return []
  const aws = root["_aws"]
  if (typeof aws["Timestamp"] !== "number" || !Array.isArray(aws["CloudWatchMetrics"])) return []
  const points: Array<Datapoint> = []
  for (const directive of aws["CloudWatchMetrics"]) {
    if (!isRecord(directive) || typeof directive["Namespace"] !== "string" || !Array.isArray(directive["Dimensions"]) || !Array.isArray(directive["Metrics"]))
      continue
    for (const set of directive["Dimensions"]) {
      if (!Array.isArray(set) || !set.every((d) => typeof d === "string" && typeof root[d] === "string")) continue
      for (const m of directive["Metrics"]) {
        const name = isRecord(m) ? m["Name"] : undefined
        const value = typeof name === "string" ? root[name] : undefined
        if (typeof name !== "string" || typeof value !== "number") continue
        points.push({ namespace: directive["Namespace"], metric: name, dimensions: Object.fromEntries(set.map((d: string) => [d, String(root[d])])), value })
      }
    }
  }
  return points
}

/**
 * The function's log as Lambda's JSON log format records it, for the span of `run`: what
 * `console` prints, wrapped in the runtime's JSON object; what is written to stdout directly,
 * line by line as it is.
 */
export const lambdaJsonLog = async <A>(run: () => Promise<A>): Promise<{ readonly result: A; readonly events: ReadonlyArray<string> }> => {
  const events: Array<string> = []
  const methods = ["log", "info", "warn", "error", "debug"] as const
  const saved = methods.map((m) => console[m])
  for (const m of methods) {
    console[m] = (...args: Array<unknown>) =>
      void events.push(
        JSON.stringify({
          timestamp: new Date().toISOString(),
          level: m === "log" ? "INFO" : m.toUpperCase(),
          requestId: "test",
          message: args.map(String).join(" ")
        })
      )
  }
  const stdout = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    events.push(
      ...String(chunk)
        .split("\n")
        .filter((l) => l.length > 0)
    )
    return true
  })
  try {
    return { result: await run(), events }
  } finally {
    methods.forEach((m, i) => {
      const original = saved[i]
      if (original !== undefined) console[m] = original
    })
    stdout.mockRestore()
  }
}
