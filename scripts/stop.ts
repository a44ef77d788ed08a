/**
 * `npm run aws:stop -- --stage dev --region ap-northeast-1`: asks yes / fast / cancel (scripts/ops/StopPlan.ts), then
 * `sst remove`. Draining ("yes") scales the producer to zero and waits, at most ten minutes,
 * for the trades queue to empty.
 */
import { spawnSync } from "node:child_process"
import { join, resolve } from "node:path"
import { createInterface } from "node:readline/promises"
import { ECSClient, UpdateServiceCommand } from "@aws-sdk/client-ecs"
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs"
import { awsArgs } from "./ops/Stage.ts"
import { readStageOutputs } from "./ops/SstOutputs.ts"
import { answerOf, planStop } from "./ops/StopPlan.ts"

const root = resolve(import.meta.dirname, "..")
const { stage, region, confirmProd } = awsArgs(process.argv.slice(2))
const plan = planStop(stage, confirmProd)
if (plan._tag === "Refuse") {
  console.error(plan.reason)
  process.exit(2)
}

const prompt = createInterface({ input: process.stdin, output: process.stderr })
const typed = await prompt.question(plan.question)
const prodName = stage === "prod" ? await prompt.question("Type the stage's name to confirm: ") : undefined
prompt.close()
const answer = answerOf(stage, typed, prodName)
if (answer === "cancel") {
  console.error("cancelled: nothing removed")
  process.exit(0)
}

if (answer === "yes") {
  const outputs = readStageOutputs(root, stage, region)
  console.error(`stopping the producer (${outputs.producer}) and draining the trades queue...`)
  await new ECSClient({ region }).send(new UpdateServiceCommand({ cluster: outputs.cluster, service: outputs.producer, desiredCount: 0 }))
  const sqs = new SQSClient({ region })
  const deadline = Date.now() + 10 * 60_000
  for (;;) {
    const attributes = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: outputs.queue, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }))).Attributes ?? {}
    const left = Number(attributes["ApproximateNumberOfMessages"] ?? 0) + Number(attributes["ApproximateNumberOfMessagesNotVisible"] ?? 0)
    if (left === 0) break
    if (Date.now() > deadline) {
      console.error(`${left} messages still queued after 10 minutes: removing anyway`)
      break
    }
    console.error(`${left} messages still queued...`)
    await new Promise((r) => setTimeout(r, 10_000))
  }
}

const remove = spawnSync(join(root, "node_modules/.bin/sst"), ["remove", "--stage", stage], { cwd: root, stdio: "inherit" })
process.exit(remove.status ?? 1)
