/**
 * What `aws:stop` will do, decided before it touches anything, so it can be tested apart from the
 * prompting and the calls:
 * - a protected stage is refused at once, as `sst remove` would refuse it, with the setting that
 *   lifts the protection for one command (stacks/stages.ts);
 * - otherwise it asks: "yes" stops the producer (when the stage runs one on ECS) and waits for the
 *   trades queue to empty (so everything received is stored and archived), then `sst remove`;
 *   "fast" runs `sst remove` at once (what is still queued is lost with the queue); anything else
 *   cancels. A stage whose protection was lifted is also confirmed by typing its name.
 */
import { DEV_PRODUCER, LIFT_PROTECTION, type StageSettings } from "../../stacks/stages.ts"
import type { AppOutputs } from "./SstOutputs.ts"

export type Answer = "yes" | "fast" | "cancel"

/** Where the stage's producer runs, by its last deploy's outputs. */
export type ProducerAt = { readonly _tag: "Service"; readonly cluster: string; readonly service: string } | { readonly _tag: "Dev" }

export interface StopPlan {
  readonly question: string
  readonly confirmName: boolean
  readonly producer: ProducerAt
}

export const producerAt = (outputs: AppOutputs): ProducerAt =>
  outputs.producer === DEV_PRODUCER ? { _tag: "Dev" } : { _tag: "Service", cluster: outputs.cluster, service: outputs.producer }

export const refusal = (stage: string) =>
  `${stage} is protected: \`sst remove\` refuses it, so nothing was touched. To remove it (its tables, bucket, dead-letter and failure queues, Glue catalog and key are retained), run again with ${LIFT_PROTECTION}=${stage} set, and type the stage's name when asked.`

/** For a stage that is not protected (a protected one is refused first: `refusal`). */
export const planStop = (stage: string, settings: StageSettings, outputs: AppOutputs): StopPlan => {
  const producer = producerAt(outputs)
  const drain =
    producer._tag === "Service"
      ? `stop the producer (${producer.service}) and wait for the trades queue to empty`
      : "the stage was last run by `sst dev`: there is no producer service to stop; wait for the trades queue to empty (keep `sst dev` running meanwhile, or its functions cannot take the trades)"
  return {
    question: `Remove stage ${stage}${settings.protectionLifted ? " (protection lifted)" : ""}? yes (${drain}, then sst remove) / fast (sst remove now) / cancel: `,
    confirmName: settings.protectionLifted,
    producer
  }
}

/** The answer typed, before any confirmation of the name. */
export const wordAnswer = (typed: string): Answer => {
  const word = typed.trim().toLowerCase()
  return word === "yes" || word === "y" ? "yes" : word === "fast" ? "fast" : "cancel"
}

export const answerOf = (stage: string, typed: string, typedName: string | undefined, confirmName: boolean): Answer =>
  confirmName && typedName?.trim() !== stage ? "cancel" : wordAnswer(typed)
