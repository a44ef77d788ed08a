/** `npm run aws:backfill`: its arguments refused before anything starts when wrong, and the RunTask request they make. */
import { describe, expect, it } from "vitest"
import { BACKFILL_FLAGS, backfillArgs, runTaskRequest } from "./ops/BackfillRun.ts"
import { decodeArgs } from "./ops/ScriptCommand.ts"
import type { AppOutputs } from "./ops/SstOutputs.ts"

const backfill = (argv: ReadonlyArray<string>, yesterday: string) => backfillArgs(decodeArgs(BACKFILL_FLAGS, argv), yesterday)

const outputs: AppOutputs = {
  stage: "prod",
  region: "ap-northeast-1",
  queue: "q",
  deadLetterQueue: "dlq",
  consumerFailures: "f",
  bus: "market",
  pipe: "p",
  api: "a",
  dashboard: "d",
  archive: "archive",
  athenaWorkgroup: "w",
  glueDatabase: "g",
  producer: "svc",
  cluster: "arn:aws:ecs:ap-northeast-1:1:cluster/c",
  functions: "",
  backfillTask: "arn:aws:ecs:ap-northeast-1:1:task-definition/backfill:3",
  backfillContainer: "Backfill",
  backfillSubnets: "subnet-a,subnet-b",
  backfillSecurityGroups: "sg-1"
}

describe("aws:backfill", () => {
  it("runs the stage's backfill task once, on Fargate with a public address, its period as the container's environment", () => {
    const args = backfill(["--stage", "prod", "--region", "ap-northeast-1", "--symbols", "btcusdt", "--from", "2024-01-01"], "2026-11-26")
    expect(args.environment).toEqual({ BACKFILL_SYMBOLS: "btcusdt", BACKFILL_FROM: "2024-01-01", BACKFILL_TO: "2026-11-26" })
    expect(runTaskRequest(outputs, args.environment)).toEqual({
      cluster: outputs.cluster,
      taskDefinition: outputs.backfillTask,
      launchType: "FARGATE",
      count: 1,
      networkConfiguration: { awsvpcConfiguration: { subnets: ["subnet-a", "subnet-b"], securityGroups: ["sg-1"], assignPublicIp: "ENABLED" } },
      overrides: {
        containerOverrides: [
          {
            name: "Backfill",
            environment: [
              { name: "BACKFILL_SYMBOLS", value: "btcusdt" },
              { name: "BACKFILL_FROM", value: "2024-01-01" },
              { name: "BACKFILL_TO", value: "2026-11-26" }
            ]
          }
        ]
      }
    })
  })

  it("refuses a bad date, a range backwards, a missing stage, and a stage deployed before the task existed", () => {
    const base = ["--stage", "prod", "--region", "ap-northeast-1", "--symbols", "BTCUSDT"]
    expect(() => backfill([...base, "--from", "2024-02-30"], "2026-11-26")).toThrow(/2024-02-30 is not a date/)
    expect(() => backfill([...base, "--from", "2024-03-01", "--to", "2024-02-01"], "2026-11-26")).toThrow(
      /BACKFILL_TO 2024-02-01 is before BACKFILL_FROM 2024-03-01/
    )
    expect(() => backfill(["--region", "ap-northeast-1", "--symbols", "BTCUSDT", "--from", "2024-01-01"], "2026-11-26")).toThrow(/--stage/)
    const { backfillTask: _, ...old } = outputs
    expect(() => runTaskRequest(old, {})).toThrow(/deployed before the backfill task existed/)
  })
})
