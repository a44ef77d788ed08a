/**
 * What a deploy leaves behind: `sst deploy` writes the app's outputs (stacks/index.ts) to
 * `.sst/outputs.json`, whichever stage it deployed last. Decoded with a schema (a stale or
 * foreign file fails naming the key), checked against the stage and region the operator named
 * (so `--stage dev` never acts on prod's resources because prod was deployed last), and written
 * as `.env` for scripts and tools that read the stage's resources.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { Schema } from "effect"

export const AppOutputs = Schema.Struct({
  stage: Schema.String,
  region: Schema.String,
  queue: Schema.String,
  deadLetterQueue: Schema.String,
  consumerFailures: Schema.String,
  bus: Schema.String,
  pipe: Schema.String,
  api: Schema.String,
  dashboard: Schema.String,
  archive: Schema.String,
  athenaWorkgroup: Schema.String,
  glueDatabase: Schema.String,
  producer: Schema.String,
  cluster: Schema.String,
  /** The app's Lambda functions, comma-separated. */
  functions: Schema.String,
  /** The backfill task: its definition, container, and where it runs (comma-separated); absent from deploys before it existed. */
  backfillTask: Schema.optionalKey(Schema.String),
  backfillContainer: Schema.optionalKey(Schema.String),
  backfillSubnets: Schema.optionalKey(Schema.String),
  backfillSecurityGroups: Schema.optionalKey(Schema.String)
})
export type AppOutputs = typeof AppOutputs.Type

export const decodeOutputs = (text: string): AppOutputs => {
  const decoded = Schema.decodeUnknownResult(Schema.fromJsonString(AppOutputs))(text)
  if (decoded._tag === "Failure") throw new Error(`.sst/outputs.json is not this app's outputs: ${decoded.failure.message}`)
  return decoded.success
}

/** The outputs, if they are the named stage's in the named region; else a refusal that says how to get them. */
export const outputsOf = (text: string, stage: string, region: string): AppOutputs => {
  const outputs = decodeOutputs(text)
  if (outputs.stage !== stage || outputs.region !== region) {
    throw new Error(
      `.sst/outputs.json holds stage ${outputs.stage} in ${outputs.region}, not ${stage} in ${region}: refusing to act on another stage's resources (run \`npx sst deploy --stage ${stage}\` to write ${stage}'s outputs)`
    )
  }
  return outputs
}

export const readStageOutputs = (root: string, stage: string, region: string): AppOutputs =>
  outputsOf(readFileSync(join(root, ".sst/outputs.json"), "utf8"), stage, region)

export const dotEnv = (o: AppOutputs): string =>
  [
    // No SST_STAGE: a file must never choose the stage of a later command. SST reads this file
    // only for commands that name this stage.
    `# Written by scripts/start.ts for stage ${o.stage}; regenerated on every start.`,
    `AWS_REGION=${o.region}`,
    `QUEUE_URL=${o.queue}`,
    `DEAD_LETTER_QUEUE_URL=${o.deadLetterQueue}`,
    `CONSUMER_FAILURES_URL=${o.consumerFailures}`,
    `BUS_NAME=${o.bus}`,
    `PIPE_NAME=${o.pipe}`,
    // The API's public base: its function's own URL answers only CloudFront (stacks/web.ts).
    `API_URL=${o.dashboard}`,
    `DASHBOARD_URL=${o.dashboard}`,
    `ARCHIVE_BUCKET=${o.archive}`,
    `ATHENA_WORKGROUP=${o.athenaWorkgroup}`,
    `GLUE_DATABASE=${o.glueDatabase}`,
    `PRODUCER_SERVICE=${o.producer}`,
    `PRODUCER_CLUSTER=${o.cluster}`,
    ""
  ].join("\n")
