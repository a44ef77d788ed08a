/**
 * EventBridge event patterns, matched in-process exactly as the AWS bus matches them, so a
 * consumer's declared pattern means the same locally and on AWS. Supported: exact values (null
 * and "" included), `prefix`, `suffix`, `equals-ignore-case`, `anything-but` (a value, a list,
 * or a prefix), `numeric` ranges, and `exists`. Every field named must match (and); within a
 * field's list, any one matcher (or); an array in the event matches if any element does.
 */
import { Schema } from "effect"

type Scalar = string | number | boolean | null

export type Matcher =
  | Scalar
  | { readonly prefix: string }
  | { readonly suffix: string }
  | { readonly "equals-ignore-case": string }
  | { readonly "anything-but": Scalar | ReadonlyArray<Scalar> | { readonly prefix: string } }
  | { readonly numeric: ReadonlyArray<string | number> }
  | { readonly exists: boolean }

export interface EventPattern {
  readonly [field: string]: ReadonlyArray<Matcher> | EventPattern
}

const ScalarSchema = Schema.Union([Schema.String, Schema.Finite, Schema.Boolean, Schema.Null])
const MatcherSchema = Schema.Union([
  ScalarSchema,
  Schema.Struct({ prefix: Schema.String }),
  Schema.Struct({ suffix: Schema.String }),
  Schema.Struct({ "equals-ignore-case": Schema.String }),
  Schema.Struct({ "anything-but": Schema.Union([ScalarSchema, Schema.Array(ScalarSchema), Schema.Struct({ prefix: Schema.String })]) }),
  Schema.Struct({ numeric: Schema.Array(Schema.Union([Schema.String, Schema.Finite])) }),
  Schema.Struct({ exists: Schema.Boolean })
])

/** A pattern as it arrives from configuration: decoded, not trusted. */
export const EventPatternSchema: Schema.Codec<EventPattern> = Schema.Record(
  Schema.String,
  Schema.Union([Schema.Array(MatcherSchema), Schema.suspend((): Schema.Codec<EventPattern> => EventPatternSchema)])
)

const isMatcherList = (rule: ReadonlyArray<Matcher> | EventPattern): rule is ReadonlyArray<Matcher> => Array.isArray(rule)
const isScalarList = (but: Scalar | ReadonlyArray<Scalar>): but is ReadonlyArray<Scalar> => Array.isArray(but)

const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> => typeof v === "object" && v !== null && !Array.isArray(v)

/** Does `event` (an EventBridge envelope: source, detail-type, detail, ...) match `pattern`? */
export const matches = (pattern: EventPattern, event: unknown): boolean => {
  if (!isRecord(event)) return false
  for (const [field, rule] of Object.entries(pattern)) {
    const present = Object.hasOwn(event, field)
    const value = event[field]
    if (isMatcherList(rule)) {
      if (!rule.some((m) => matchField(m, present, value))) return false
    } else if (!present || !matches(rule, value)) {
      return false
    }
  }
  return true
}

const matchField = (matcher: Matcher, present: boolean, value: unknown): boolean => {
  if (isRecord(matcher) && "exists" in matcher) return matcher.exists === (present && !isRecord(value))
  if (!present) return false
  const values = Array.isArray(value) ? value : [value]
  return values.some((v) => matchValue(matcher, v))
}

const matchValue = (matcher: Matcher, value: unknown): boolean => {
  if (!isRecord(matcher)) return value === matcher
  if ("prefix" in matcher) return typeof value === "string" && value.startsWith(matcher.prefix)
  if ("suffix" in matcher) return typeof value === "string" && value.endsWith(matcher.suffix)
  if ("equals-ignore-case" in matcher) return typeof value === "string" && value.toLowerCase() === matcher["equals-ignore-case"].toLowerCase()
  if ("anything-but" in matcher) {
    const but = matcher["anything-but"]
    if (isRecord(but)) return typeof value === "string" && !value.startsWith(but.prefix)
    const list = isScalarList(but) ? but : [but]
    return value !== undefined && !list.some((x) => x === value)
  }
  if ("numeric" in matcher) return typeof value === "number" && numericMatch(matcher.numeric, value)
  return false
}

const numericMatch = (conditions: ReadonlyArray<string | number>, value: number): boolean => {
  for (let i = 0; i + 1 < conditions.length; i += 2) {
    const op = conditions[i]
    const bound = conditions[i + 1]
    if (typeof bound !== "number") return false
    const ok =
      op === "="
        ? value === bound
        : op === "<"
          ? value < bound
          : op === "<="
            ? value <= bound
            : op === ">"
              ? value > bound
              : op === ">="
                ? value >= bound
                : false
    if (!ok) return false
  }
  return conditions.length > 0 && conditions.length % 2 === 0
}
