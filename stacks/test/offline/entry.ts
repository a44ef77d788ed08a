/**
 * Runs the infrastructure program under Pulumi's mocks, in its own process (the mocks are
 * process-wide), and prints every resource it declared as JSON on stdout. Bundled by
 * `offlineApp.ts` the way the SST CLI bundles `sst.config.ts`.
 *
 * OFFLINE_STAGE: the stage; OFFLINE_MODE: "config" runs sst.config.ts's run(), "extra" calls the
 * stacks with the consumer registry and one entry more.
 */
import * as aws from "@pulumi/aws"
import * as pulumi from "@pulumi/pulumi"
import * as sst from "../../../.sst/platform/src/components/index.ts"
import { Effect, Schema } from "effect"
import config from "../../../sst.config.ts"
import { type Consumer, defineConsumer } from "@blockchaincore/services/consumers/ConsumerDeclaration"
import { REGISTRY } from "@blockchaincore/services/consumers/ConsumerRegistry"
import { deployConfig } from "../../config.ts"
import { app } from "../../index.ts"

interface Recorded {
  readonly type: string
  readonly name: string
  readonly inputs: Record<string, unknown>
  /** The physical name and ARN the mocks gave it: what other resources refer to it by. */
  readonly physical: string
  readonly arn: string
  /** What a component registered as its outputs. */
  readonly outputs?: Record<string, unknown>
  /** Kept in the account when the stage is removed or the resource replaced (a resource option the mocks do not see). */
  readonly retainOnDelete?: boolean
  /** The inputs Pulumi holds as secrets: encrypted in the state. */
  readonly secretInputs?: ReadonlyArray<string>
}

const stage = process.env["OFFLINE_STAGE"] ?? "dev"
const ACCOUNT = "123456789012"
const REGION = "ap-northeast-1"
const recorded: Array<Recorded> = []

const capitalised = (s: string) => s.replace(/[^A-Za-z0-9]/g, "")

/** A policy statement as `getPolicyDocument` takes it, decoded from the call's inputs. */
const Statements = Schema.Array(
  Schema.Struct({
    effect: Schema.optional(Schema.String),
    actions: Schema.optional(Schema.Array(Schema.String)),
    resources: Schema.optional(Schema.Array(Schema.String)),
    principals: Schema.optional(Schema.Array(Schema.Struct({ type: Schema.String, identifiers: Schema.Array(Schema.String) }))),
    conditions: Schema.optional(Schema.Array(Schema.Struct({ test: Schema.String, variable: Schema.String, values: Schema.Array(Schema.String) })))
  })
)

/** Pulumi marks values derived from secrets with its signature key: the assertions want the values. */
const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d"
const isSecret = (value: unknown): boolean => typeof value === "object" && value !== null && SECRET_SIGNATURE in value
const unsecret = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(unsecret)
  if (typeof value !== "object" || value === null) return value
  if (SECRET_SIGNATURE in value && "value" in value) return unsecret(value.value)
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unsecret(v)]))
}

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? Object.fromEntries(Object.entries(value)) : {}

pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      const inputs = asRecord(unsecret(args.inputs))
      const service = args.type.split(":")[1]?.split("/")[0] ?? "x"
      const physical = typeof inputs["name"] === "string" ? inputs["name"] : `${capitalised(args.name)}-physical`
      const arn = `arn:aws:${service}:${REGION}:${ACCOUNT}:${physical}`
      const secretInputs = Object.entries(asRecord(args.inputs))
        .filter(([, v]) => isSecret(v))
        .map(([k]) => k)
      recorded.push({ type: args.type, name: args.name, inputs, physical, arn, ...(secretInputs.length > 0 ? { secretInputs } : {}) })
      return {
        id: `${args.name}-id`,
        state: {
          ...inputs,
          name: physical,
          arn,
          url: service === "sqs" ? `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${physical}` : `https://${physical}.example`,
          functionUrl: `https://${physical}.lambda-url.${REGION}.on.aws/`,
          domainName: `${physical.toLowerCase()}.cloudfront.net`,
          bucket: physical,
          invokeArn: `arn:aws:apigateway:${REGION}:lambda:path/${physical}`
        }
      }
    },
    call: (args) => {
      const inputs: Record<string, unknown> = args.inputs
      switch (args.token) {
        case "aws:index/getRegion:getRegion":
          return { name: REGION, region: REGION, id: REGION }
        case "aws:index/getPartition:getPartition":
          return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" }
        case "aws:index/getCallerIdentity:getCallerIdentity":
          return { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/test`, userId: "test", id: ACCOUNT }
        case "aws:iam/getPolicyDocument:getPolicyDocument": {
          const statements = Schema.decodeUnknownSync(Statements)(inputs["statements"] ?? [])
          return {
            statements,
            json: JSON.stringify({
              Version: "2012-10-17",
              Statement: statements.map((s) => ({
                Effect: s.effect === undefined ? "Allow" : s.effect.charAt(0).toUpperCase() + s.effect.slice(1).toLowerCase(),
                Action: s.actions,
                ...(s.resources === undefined ? {} : { Resource: s.resources }),
                ...(s.principals === undefined ? {} : { Principal: Object.fromEntries(s.principals.map((p) => [p.type, p.identifiers])) }),
                ...(s.conditions === undefined ? {} : { Condition: Object.fromEntries(s.conditions.map((c) => [c.test, { [c.variable]: c.values }])) })
              }))
            })
          }
        }
        case "aws:index/getAvailabilityZones:getAvailabilityZones":
          return { names: [`${REGION}a`, `${REGION}c`, `${REGION}d`], zoneIds: ["apne1-az4", "apne1-az1", "apne1-az2"], id: REGION }
        default:
          process.stderr.write(`unmocked call ${args.token}\n`)
          return inputs
      }
    }
  },
  "blockchaincore",
  stage,
  false
)

Object.assign(globalThis, { aws, sst })

/**
 * SST's own components (a dev command, a router route) are Pulumi components: the mocks see
 * neither their arguments nor what they register, so what each registers as its outputs is
 * recorded here, resolved, under the component's type and name.
 */
const components: Array<Promise<Recorded>> = []
// registerOutputs is protected: reached through Reflect, as a test harness may.
const prototype: object = pulumi.ComponentResource.prototype
const registerOutputs: unknown = Reflect.get(prototype, "registerOutputs")
if (typeof registerOutputs !== "function") throw new Error("Pulumi's ComponentResource has no registerOutputs: the pinned versions changed")
Reflect.set(prototype, "registerOutputs", function (this: pulumi.ComponentResource, outputs: unknown) {
  components.push(
    new Promise((resolve) =>
      pulumi.all([this.urn, pulumi.output(outputs ?? {})]).apply(([urn, registered]) => {
        const [type = "", name = ""] = urn.split("::").slice(-2)
        resolve({ type: type.split("$").at(-1) ?? type, name, inputs: {}, outputs: asRecord(unsecret(registered)), physical: name, arn: "" })
      })
    )
  )
  return Reflect.apply(registerOutputs, this, [outputs])
})

const isConsumer = (value: unknown): value is Consumer =>
  typeof value === "object" && value !== null && "name" in value && "pattern" in value && "needs" in value && "handlerOn" in value

const main = async () => {
  const settings = await config.app({ stage })
  // The README's consumer example when a test wrote it out (testkit/readme.ts, writeReadmeConsumer), else a small one of our own.
  const readmeConsumer = process.env["OFFLINE_EXTRA_CONSUMER"]
  const pasted: unknown = readmeConsumer === undefined ? undefined : Object.values(await import(readmeConsumer))[0]
  const extra: Consumer = isConsumer(pasted)
    ? pasted
    : defineConsumer({
        name: "audit",
        description: "An extra consumer, to see the stacks follow the registry",
        pattern: { source: ["blockchaincore.market"], "detail-type": ["DataGapDetected"] },
        needs: ["CandleStore"],
        layer: (ports) => ports.CandleStore,
        handle: () => Effect.void
      })
  // Inside a stack, as the SST CLI runs the program: stack transformations need one.
  let resolved: Record<string, unknown> = {}
  // What the program says of keeping each resource (SST's "retain" then keeps its data stores, and
  // the VPC's parts, where the program says nothing: `?? true` in .sst/platform/src/auto/run.ts).
  const retained = new Map<string, boolean>()
  await pulumi.runtime.runInPulumiStack(async () => {
    // Registered first, so it sees each resource's options as the program gave them.
    pulumi.runtime.registerStackTransformation((args) => {
      if (args.opts.retainOnDelete !== undefined) retained.set(`${args.type}|${args.name}`, args.opts.retainOnDelete)
      return undefined
    })
    const outputs = process.env["OFFLINE_MODE"] === "extra" ? app(deployConfig(process.env), [...REGISTRY, extra]) : await config.run()
    resolved = await new Promise<Record<string, unknown>>((resolve) => pulumi.output(outputs ?? {}).apply((o) => resolve(asRecord(unsecret(o)))))
    return undefined
  })
  for (const component of await Promise.all(components)) {
    const mocked = recorded.findIndex((r) => r.type === component.type && r.name === component.name)
    // Pulumi registers a component's outputs again, empty, once it has initialised: merge the calls.
    if (mocked >= 0) recorded.splice(mocked, 1, { ...recorded[mocked]!, outputs: { ...recorded[mocked]?.outputs, ...component.outputs } })
    else recorded.push(component)
  }
  for (const [i, r] of recorded.entries()) {
    const keep = retained.get(`${r.type}|${r.name}`)
    if (keep !== undefined) recorded[i] = { ...r, retainOnDelete: keep }
  }
  await pulumi.runtime.disconnect()
  process.stdout.write(JSON.stringify({ app: settings, resources: recorded, outputs: resolved }))
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
  process.exit(1)
})
