/**
 * The command-line arguments the operator scripts share, decoded with a schema: the stage (SST's
 * rule: letters, digits and dashes) and the AWS region, both given explicitly (no default that
 * could point a command at prod, or at another region's resources).
 */
import { parseArgs } from "node:util"
import { Schema } from "effect"

export const StageName = Schema.String.check(Schema.isPattern(/^[a-z][a-z0-9-]{0,30}$/, { message: "a stage is lower-case letters, digits and dashes, starting with a letter (like dev or prod)" }))
export const RegionName = Schema.String.check(Schema.isPattern(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: "an AWS region, like ap-northeast-1" }))
const LocalUrl = Schema.String.check(Schema.isPattern(/^https?:\/\/[^\s]+$/, { message: "an http:// URL of a local runtime's API, like http://127.0.0.1:8787" }))

export type OpsArgs =
  | { readonly _tag: "Aws"; readonly stage: string; readonly region: string }
  | { readonly _tag: "Local"; readonly local: string }

const decode = <A>(flag: string, schema: Schema.Codec<A, string>, value: string | undefined): A => {
  if (value === undefined) throw new Error(`--${flag} is required`)
  const decoded = Schema.decodeUnknownResult(schema)(value)
  if (decoded._tag === "Failure") throw new Error(`--${flag}: ${decoded.failure.message}`)
  return decoded.success
}

/** `--stage NAME --region REGION`, or `--local URL` where a script has a local mode. */
export const opsArgs = (argv: ReadonlyArray<string>, options: { readonly allowLocal: boolean } = { allowLocal: false }): OpsArgs => {
  const { values } = parseArgs({
    args: [...argv],
    options: { stage: { type: "string" }, region: { type: "string" }, local: { type: "string" } },
    allowPositionals: false
  })
  if (values.local !== undefined) {
    if (!options.allowLocal) throw new Error("--local: this command acts on a deployed stage only")
    return { _tag: "Local", local: decode("local", LocalUrl, values.local) }
  }
  return { _tag: "Aws", stage: decode("stage", StageName, values.stage), region: decode("region", RegionName, values.region) }
}

/** The AWS arguments, for commands with no local mode. */
export const awsArgs = (argv: ReadonlyArray<string>) => {
  const args = opsArgs(argv)
  if (args._tag !== "Aws") throw new Error("expected --stage and --region")
  return args
}
