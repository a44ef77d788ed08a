import type { MetadataBearer, MiddlewareStack } from "@smithy/types"

/**
 * Counts what the AWS adapters ask of each service, at the SDK: every command by name, and for
 * DynamoDB the capacity units the (real, local) table reports it consumed.
 */

export interface Counters {
  readonly commands: Map<string, number>
  readUnits: number
  writeUnits: number
}

export const newCounters = (): Counters => ({ commands: new Map(), readUnits: 0, writeUnits: 0 })

export const snapshot = (c: Counters) => ({ commands: new Map(c.commands), readUnits: c.readUnits, writeUnits: c.writeUnits })
export type Snapshot = ReturnType<typeof snapshot>

export const difference = (after: Snapshot, before: Snapshot): Snapshot => ({
  commands: new Map([...after.commands].map(([k, v]) => [k, v - (before.commands.get(k) ?? 0)])),
  readUnits: after.readUnits - before.readUnits,
  writeUnits: after.writeUnits - before.writeUnits
})

/** Any AWS SDK v3 client: they all share the middleware stack. */
type AwsClient<I extends object, O extends MetadataBearer> = { readonly middlewareStack: MiddlewareStack<I, O> }

export const countCommands = <I extends object, O extends MetadataBearer>(client: AwsClient<I, O>, service: string, counters: Counters): void =>
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const key = `${service}:${context.commandName ?? "?"}`
      counters.commands.set(key, (counters.commands.get(key) ?? 0) + 1)
      return next(args)
    },
    { step: "initialize", name: "costCounter" }
  )

const READS = new Set(["GetItemCommand", "BatchGetItemCommand", "QueryCommand", "ScanCommand"])

const unitsOf = (output: object): number => {
  const consumed: unknown = "ConsumedCapacity" in output ? output.ConsumedCapacity : undefined
  const list = Array.isArray(consumed) ? consumed : consumed === undefined ? [] : [consumed]
  return list.reduce(
    (n: number, c: unknown) => n + (typeof c === "object" && c !== null && "CapacityUnits" in c && typeof c.CapacityUnits === "number" ? c.CapacityUnits : 0),
    0
  )
}

/** Asks DynamoDB to report consumed capacity on every call, and adds it up. */
export const countCapacity = <I extends object, O extends MetadataBearer>(client: AwsClient<I, O>, counters: Counters): void =>
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next({ ...args, input: { ...args.input, ReturnConsumedCapacity: "TOTAL" } satisfies object })
      const units = unitsOf(result.output)
      if (READS.has(context.commandName ?? "")) counters.readUnits += units
      else counters.writeUnits += units
      return result
    },
    { step: "initialize", name: "capacityCounter" }
  )
