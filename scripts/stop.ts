/**
 * `npm run aws:stop -- --stage dev --region ap-northeast-1`: refuses a protected stage before
 * touching anything; otherwise asks yes / fast / cancel, then `sst remove` (scripts/ops/Stop.ts).
 * Draining ("yes") stops the producer's service, if the stage runs one, and waits, at most ten
 * minutes, for the trades queue to empty. Prod is removed only with
 * BLOCKCHAINCORE_LIFT_PROTECTION=prod set (stacks/stages.ts) and its name typed.
 */
import { spawnSync } from "node:child_process"
import { join, resolve } from "node:path"
import { setTimeout as sleep } from "node:timers/promises"
import { createInterface } from "node:readline/promises"
import { ECSClient } from "@aws-sdk/client-ecs"
import { SQSClient } from "@aws-sdk/client-sqs"
import { stageSettings } from "../stacks/stages.ts"
import { Command } from "effect/cli"
import { runScriptCommand, scriptWork } from "./ops/ScriptCommand.ts"
import { STAGE_FLAGS } from "./ops/Stage.ts"
import { DRAIN_LOOKS, runStop } from "./ops/Stop.ts"

const root = resolve(import.meta.dirname, "..")
runScriptCommand(
  Command.make(
    "aws:stop",
    STAGE_FLAGS,
    scriptWork("aws:stop", async ({ stage, region }) => {
      const prompt = createInterface({ input: process.stdin, output: process.stderr })
      try {
        return await runStop(root, stage, region, stageSettings(stage, process.env), {
          ask: (question) => prompt.question(question),
          ecs: new ECSClient({ region }),
          sqs: new SQSClient({ region }),
          pause: () => sleep(10_000),
          // The environment goes with it: a lifted protection is read again when SST evaluates the app.
          remove: (name) =>
            spawnSync(join(root, "node_modules/.bin/sst"), ["remove", "--stage", name], { cwd: root, stdio: "inherit", env: process.env }).status ?? 1,
          say: (line) => console.error(line),
          looks: DRAIN_LOOKS
        })
      } finally {
        prompt.close()
      }
    })
  ).pipe(
    Command.withDescription(
      "Remove a stage: asks yes (stop the producer, drain the queue) / fast / cancel, then sst remove; a protected stage is refused before anything is touched"
    ),
    Command.withExamples([
      { command: "npm run aws:stop -- --stage dev --region ap-northeast-1", description: "Remove the dev stage" },
      {
        command: "BLOCKCHAINCORE_LIFT_PROTECTION=prod npm run aws:stop -- --stage prod --region ap-northeast-1",
        description: "Remove prod, typing its name when asked"
      }
    ])
  )
)
