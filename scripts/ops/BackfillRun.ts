/**
 * `npm run aws:backfill`'s arguments and the ECS RunTask request they become: the backfill task
 * (stacks/producer.ts) started once on the stage's cluster, its period and symbols as the task's
 * environment, decoded here with the task's own schema so a wrong value is refused before
 * anything starts.
 */
import type { RunTaskCommandInput } from "@aws-sdk/client-ecs"
import { Option, Schema } from "effect"
import { Flag } from "effect/cli"
import { BackfillEnvironment } from "@blockchaincore/aws/backfill/BackfillEnvironment"
import type { AppOutputs } from "./SstOutputs.ts"
import { STAGE_FLAGS } from "./Stage.ts"

export interface BackfillArgs {
  readonly stage: string
  readonly region: string
  readonly environment: Readonly<Record<string, string>>
}

/** `--stage NAME --region REGION --symbols A,B --from YYYY-MM-DD`, with `--to` and `--kind` as the task reads them. */
export const BACKFILL_FLAGS = {
  ...STAGE_FLAGS,
  symbols: Flag.String("symbols").pipe(Flag.withDescription("Comma-separated symbols, e.g. BTCUSDT,ETHUSDT")),
  from: Flag.String("from").pipe(Flag.withDescription("First UTC day, YYYY-MM-DD")),
  to: Flag.String("to").pipe(Flag.optional, Flag.withDescription("Last UTC day, included (default yesterday, the last day the archive has)")),
  kind: Flag.String("kind").pipe(Flag.optional, Flag.withDescription("trades (the default: candles and the trade archive) or aggTrades (candles only)"))
}

interface BackfillFlags {
  readonly stage: string
  readonly region: string
  readonly symbols: string
  readonly from: string
  readonly to: Option.Option<string>
  readonly kind: Option.Option<string>
}

/** The task's environment from the flags, decoded with the task's own schema; `--to` defaults to `yesterday`. */
export const backfillArgs = (flags: BackfillFlags, yesterday: string): BackfillArgs => {
  const environment: Record<string, string> = {
    BACKFILL_SYMBOLS: flags.symbols,
    BACKFILL_FROM: flags.from,
    BACKFILL_TO: Option.getOrElse(flags.to, () => yesterday),
    ...Option.match(flags.kind, { onNone: () => ({}), onSome: (kind) => ({ BACKFILL_KIND: kind }) })
  }
  const decoded = Schema.decodeUnknownResult(BackfillEnvironment)(environment)
  if (decoded._tag === "Failure") throw new Error(`the backfill's arguments: ${decoded.failure.message}`)
  return { stage: flags.stage, region: flags.region, environment }
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
    networkConfiguration: {
      awsvpcConfiguration: { subnets: backfillSubnets.split(","), securityGroups: backfillSecurityGroups.split(","), assignPublicIp: "ENABLED" }
    },
    overrides: { containerOverrides: [{ name: backfillContainer, environment: Object.entries(environment).map(([name, value]) => ({ name, value })) }] }
  }
}
