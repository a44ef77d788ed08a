/**
 * `aws:stop` as steps over the few things it touches (the prompt, ECS, SQS, `sst remove`), so the
 * whole run is tested against an emulated account (scripts/stop.test.ts) and scripts/stop.ts
 * only wires the real ones.
 */
import { type ECSClient, UpdateServiceCommand } from "@aws-sdk/client-ecs"
import { GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs"
import type { StageSettings } from "../../stacks/stages.ts"
import { readStageOutputs } from "./SstOutputs.ts"
import { answerOf, planStop, refusal, wordAnswer } from "./StopPlan.ts"

export interface StopSteps {
  readonly ask: (question: string) => Promise<string>
  readonly ecs: ECSClient
  readonly sqs: SQSClient
  /** Between two looks at the queue. */
  readonly pause: () => Promise<void>
  /** `sst remove --stage`; its exit code. */
  readonly remove: (stage: string) => number
  readonly say: (line: string) => void
  /** Looks at the queue at most this many times before removing anyway (ten minutes, every ten seconds). */
  readonly looks: number
}

export const DRAIN_LOOKS = 60

const queued = async (sqs: SQSClient, queueUrl: string) => {
  const attributes =
    (
      await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] })
      )
    ).Attributes ?? {}
  return Number(attributes["ApproximateNumberOfMessages"] ?? 0) + Number(attributes["ApproximateNumberOfMessagesNotVisible"] ?? 0)
}

/** The process's exit code: 2 refused, 0 cancelled, else `sst remove`'s. */
export const runStop = async (root: string, stage: string, region: string, settings: StageSettings, steps: StopSteps): Promise<number> => {
  if (settings.protect) {
    // Before the outputs are even read: a protected stage is refused whatever they say.
    steps.say(refusal(stage))
    return 2
  }
  const outputs = readStageOutputs(root, stage, region)
  const plan = planStop(stage, settings, outputs)
  const typed = await steps.ask(plan.question)
  const typedName = plan.confirmName && wordAnswer(typed) !== "cancel" ? await steps.ask("Type the stage's name to confirm: ") : undefined
  const answer = answerOf(stage, typed, typedName, plan.confirmName)
  if (answer === "cancel") {
    steps.say("cancelled: nothing touched")
    return 0
  }
  if (answer === "yes") {
    if (plan.producer._tag === "Service") {
      steps.say(`stopping the producer (${plan.producer.service})...`)
      await steps.ecs.send(new UpdateServiceCommand({ cluster: plan.producer.cluster, service: plan.producer.service, desiredCount: 0 }))
    }
    steps.say("waiting for the trades queue to empty...")
    for (let look = 1; ; look++) {
      const left = await queued(steps.sqs, outputs.queue)
      if (left === 0) break
      if (look >= steps.looks) {
        steps.say(`${left} messages still queued after ${look} looks: removing anyway`)
        break
      }
      steps.say(`${left} messages still queued...`)
      await steps.pause()
    }
  }
  return steps.remove(stage)
}
