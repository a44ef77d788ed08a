/**
 * `npm run aws:backfill`'s arguments and the ECS RunTask request they become: the backfill task
 * (stacks/producer.ts) started once on the stage's cluster, its period and symbols as the task's
 * environment, decoded here with the task's own schema so a wrong value is refused before
 * anything starts.
 */
import { parseArgs } from "node:util"
import type { RunTaskCommandInput } from "@aws-sdk/client-ecs"
import { Schema } from "effect"
import { BackfillEnvironment } from "@blockchaincore/aws/backfill/BackfillEnvironment"
import type { AppOutputs } from "./SstOutputs.ts"
import { RegionName, StageName } from "./Stage.ts"

export interface BackfillArgs {
  readonly stage: string
  readonly region: string
  readonly environment: Readonly<Record<string, string>>
}

const decode = <A>(what: string, schema: Schema.Codec<A, unknown>, value: unknown): A => {
  const decoded = Schema.decodeUnknownResult(schema)(value)
  if (decoded._tag === "Failure") throw new Error(`${what}: ${decoded.failure.message}`)
  return decoded.success
}

/**
 * `--stage NAME --region REGION --symbols A,B --from YYYY-MM-DD [--to YYYY-MM-DD] [--kind trades|aggTrades]`;
 * `--to` defaults to `yesterday`, the last day the archive has.
 */
export const backfillArgs = (argv: ReadonlyArray<string>, yesterday: string): BackfillArgs => {
  const { values } = parseArgs({
    args: [...argv],
    options: { stage: { type: "string" }, region: { type: "string" }, symbols: { type: "string" }, from: { type: "string" }, to: { type: "string" }, kind: { type: "string" } },
    allowPositionals: false
  })
  const environment: Record<string, string> = {
    BACKFILL_SYMBOLS: values.symbols ?? "",
    BACKFILL_FROM: values.from ?? "",
    BACKFILL_TO: values.to ?? yesterday,
    ...(values.kind === undefined ? {} : { BACKFILL_KIND: values.kind })
  }
  decode("the backfill's arguments", BackfillEnvironment, environment)
  return { stage: decode("--stage", StageName, values.stage), region: decode("--region", RegionName, values.region), environment }
}

export const runTaskRequest = (outputs: AppOutputs, environment: Readonly<Record<string, string>>): RunTaskCommandInput => {
  const { backfillTask, backfillContainer, backfillSubnets, backfillSecurityGroups } = outputs
  if (backfillTask === undefined || backfillContainer === undefined || backfillSubnets === undefined || backfillSecurityGroups === undefined) {
    throw new Error(`stage ${outputs.stage} was deployed before the backfill task existed: run \`npx sst deploy --stage ${outputs.stage}\` first`)
  }
  return {
    cluster: outputs.cluster,
    taskDefinition: backfillTask,
    launchType: "FARGATE",
    count: 1,
    networkConfiguration: { awsvpcConfiguration: { subnets: backfillSubnets.split(","), securityGroups: backfillSecurityGroups.split(","), assignPublicIp: "ENABLED" } },
    overrides: { containerOverrides: [{ name: backfillContainer, environment: Object.entries(environment).map(([name, value]) => ({ name, value })) }] }
  }
}
