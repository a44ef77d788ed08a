/**
 * The flags the operator scripts share, decoded with a schema: the stage (SST's rule: letters,
 * digits and dashes) and the AWS region, both given explicitly (no default that could point a
 * command at prod, or at another region's resources).
 */
import { Option, Schema } from "effect"
import { Flag } from "effect/cli"

export const StageName = Schema.String.check(
  Schema.isPattern(/^[a-z][a-z0-9-]{0,30}$/, { message: "a stage is lower-case letters, digits and dashes, starting with a letter (like dev or prod)" })
)
export const RegionName = Schema.String.check(Schema.isPattern(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: "an AWS region, like ap-northeast-1" }))
export const LocalUrl = Schema.String.check(
  Schema.isPattern(/^https?:\/\/[^\s]+$/, { message: "an http:// URL of a local runtime's API, like http://127.0.0.1:8787" })
)

const stage = Flag.String("stage").pipe(
  Flag.withSchema(StageName),
  Flag.withDescription("The SST stage, e.g. dev or prod (required: nothing defaults to prod)")
)
const region = Flag.String("region").pipe(Flag.withSchema(RegionName), Flag.withDescription("The stage's AWS region, e.g. ap-northeast-1 (required)"))

/** `--stage NAME --region REGION`: the scripts that act on a deployed stage. */
export const STAGE_FLAGS = { stage, region }

/** `aws:monitor`'s: a deployed stage, or `--local URL`, a local runtime. */
export const MONITOR_FLAGS = {
  stage: stage.pipe(Flag.optional, Flag.withDescription("The SST stage, e.g. dev (with --region; or --local)")),
  region: region.pipe(Flag.optional, Flag.withDescription("The stage's AWS region, e.g. ap-northeast-1")),
  local: Flag.String("local").pipe(
    Flag.withSchema(LocalUrl),
    Flag.optional,
    Flag.withDescription("A local runtime's URL (e.g. http://127.0.0.1:8787) instead of a stage")
  )
}

export type OpsTarget = { readonly _tag: "Aws"; readonly stage: string; readonly region: string } | { readonly _tag: "Local"; readonly local: string }

/** What `aws:monitor` looks at: `--local`, or both `--stage` and `--region`. */
export const monitorTarget = (flags: {
  readonly stage: Option.Option<string>
  readonly region: Option.Option<string>
  readonly local: Option.Option<string>
}): OpsTarget => {
  if (Option.isSome(flags.local)) {
    if (Option.isSome(flags.stage) || Option.isSome(flags.region)) throw new Error("--local looks at a local runtime: give it without --stage and --region")
    return { _tag: "Local", local: flags.local.value }
  }
  if (Option.isNone(flags.stage)) throw new Error("--stage is required (or --local URL for a local runtime)")
  if (Option.isNone(flags.region)) throw new Error("--region is required")
  return { _tag: "Aws", stage: flags.stage.value, region: flags.region.value }
}

const QueueUrl = Schema.String.check(
  Schema.isPattern(/^https?:\/\/[^/\s]+\/\d{12}\/[\w.-]+$/, {
    message: "an SQS queue URL, like https://sqs.ap-northeast-1.amazonaws.com/123456789012/name.fifo"
  })
)

/** Queues kept from a removed stage (prod retains them) are named by URL: the redeployed stage's outputs hold its new ones. */
export const REDRIVE_FLAGS = {
  stage,
  region,
  fromDeadLetter: Flag.String("from-dead-letter").pipe(
    Flag.withSchema(QueueUrl),
    Flag.optional,
    Flag.withDescription("A trades dead-letter queue's URL to drain instead of the stage's own (one kept from a removed stage)")
  ),
  fromFailures: Flag.String("from-failures").pipe(
    Flag.withSchema(QueueUrl),
    Flag.optional,
    Flag.withDescription("A consumer-failures queue's URL to drain instead of the stage's own (one kept from a removed stage)")
  )
}
