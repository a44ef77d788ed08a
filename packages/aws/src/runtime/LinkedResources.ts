/**
 * The AWS resources a function is linked to, as SST hands them over (`Resource` from "sst":
 * environment variables, or the encrypted file SST bundles), decoded with schemas so a missing
 * link or a wrong shape fails the cold start with its name instead of surfacing as an undefined
 * table name in the first request. Names match the stacks' resource names.
 */
import { Schema } from "effect"
import { Resource } from "sst"
import { FunctionMisconfigured } from "./HandlerErrors.ts"

const decodeLink = <A>(name: string, field: string, schema: Schema.Codec<A, unknown>): A => {
  const all: unknown = Resource
  const decoded = Schema.decodeUnknownResult(Schema.Struct({ [name]: Schema.Struct({ [field]: schema }) }))(all)
  if (decoded._tag === "Failure")
    throw new FunctionMisconfigured({ message: `linked resource ${name}: ${decoded.failure.message} (is the function linked to it in stacks/?)` })
  const link = decoded.success[name]
  const value = link?.[field]
  if (value === undefined) throw new FunctionMisconfigured({ message: `linked resource ${name} has no ${field}` })
  return value
}

/** Tables, buckets and buses: their name. */
export const linkedName = (name: "Candles" | "EngineState" | "AlertConditions" | "History" | "Archive" | "Market") =>
  decodeLink(name, "name", Schema.NonEmptyString)

/** Topics: their ARN. */
export const linkedArn = (name: "Alerts") => decodeLink(name, "arn", Schema.NonEmptyString)

/** Secrets: their value. */
export const linkedValue = (name: "WebhookUrl") => decodeLink(name, "value", Schema.String)
