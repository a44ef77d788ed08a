/**
 * What a deploy leaves behind: `sst deploy` writes the app's outputs (stacks/index.ts) to
 * `.sst/outputs.json`. Decoded with a schema (a stale or foreign file fails naming the key), and
 * written as `.env` for scripts and tools that read the stage's resources.
 */
import { Schema } from "effect"

export const AppOutputs = Schema.Struct({
  queue: Schema.String,
  deadLetterQueue: Schema.String,
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
  functions: Schema.String
})
export type AppOutputs = typeof AppOutputs.Type

export const decodeOutputs = (text: string): AppOutputs => {
  const decoded = Schema.decodeUnknownResult(Schema.fromJsonString(AppOutputs))(text)
  if (decoded._tag === "Failure") throw new Error(`.sst/outputs.json is not this app's outputs: ${decoded.failure.message}`)
  return decoded.success
}

export const dotEnv = (stage: string, o: AppOutputs): string =>
  [
    `# Written by scripts/start.ts for stage ${stage}; regenerated on every start.`,
    `SST_STAGE=${stage}`,
    `QUEUE_URL=${o.queue}`,
    `DEAD_LETTER_QUEUE_URL=${o.deadLetterQueue}`,
    `BUS_NAME=${o.bus}`,
    `PIPE_NAME=${o.pipe}`,
    `API_URL=${o.api}`,
    `DASHBOARD_URL=${o.dashboard}`,
    `ARCHIVE_BUCKET=${o.archive}`,
    `ATHENA_WORKGROUP=${o.athenaWorkgroup}`,
    `GLUE_DATABASE=${o.glueDatabase}`,
    `PRODUCER_SERVICE=${o.producer}`,
    `PRODUCER_CLUSTER=${o.cluster}`,
    ""
  ].join("\n")
