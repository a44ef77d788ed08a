/**
 * The command-line arguments the operator scripts share, decoded with a schema: the stage (SST's
 * rule: letters, digits and dashes), and whether a dangerous thing was confirmed.
 */
import { parseArgs } from "node:util"
import { Schema } from "effect"

export const StageName = Schema.String.check(Schema.isPattern(/^[a-z][a-z0-9-]{0,30}$/, { message: "a stage is lower-case letters, digits and dashes, starting with a letter (like dev or prod)" }))

export interface OpsArgs {
  readonly stage: string
  readonly local: string | undefined
  readonly confirmProd: boolean
}

/** `--stage NAME` (default: $SST_STAGE, else "dev"), `--local [URL]`, `--yes-remove-prod`. */
export const opsArgs = (argv: ReadonlyArray<string>, env: Readonly<Record<string, string | undefined>>): OpsArgs => {
  const { values } = parseArgs({
    args: [...argv],
    options: { stage: { type: "string" }, local: { type: "string" }, "yes-remove-prod": { type: "boolean", default: false } },
    allowPositionals: false
  })
  const stage = Schema.decodeUnknownResult(StageName)(values.stage ?? env["SST_STAGE"] ?? "dev")
  if (stage._tag === "Failure") throw new Error(`--stage: ${stage.failure.message}`)
  const local = values.local === undefined ? undefined : Schema.decodeUnknownResult(LocalUrl)(values.local)
  if (local !== undefined && local._tag === "Failure") throw new Error(`--local: ${local.failure.message}`)
  return { stage: stage.success, local: local?.success, confirmProd: values["yes-remove-prod"] === true }
}

const LocalUrl = Schema.String.check(Schema.isPattern(/^https?:\/\/[^\s]+$/, { message: "an http:// URL of a local runtime's API, like http://127.0.0.1:8787" }))
