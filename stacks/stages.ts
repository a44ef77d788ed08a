/**
 * What a stage is, decided in one place for the program (sst.config.ts) and the operator scripts
 * (scripts/stop.ts), so the script refuses exactly what `sst remove` would refuse, before it
 * touches anything.
 *
 * `prod` is protected (`sst remove` refuses it: SST's ErrProtectedStage) and retains its data on
 * removal. Its protection is lifted for one command by naming the stage in
 * BLOCKCHAINCORE_LIFT_PROTECTION: `sst.config.ts` reads it when SST evaluates the app, so the
 * `sst remove` run with it set really removes (what is retained stays).
 */
export const LIFT_PROTECTION = "BLOCKCHAINCORE_LIFT_PROTECTION"

const PROTECTED = new Set(["prod"])

export interface StageSettings {
  readonly protect: boolean
  readonly removal: "retain" | "remove"
  /** Protected by default, and lifted by LIFT_PROTECTION for this command. */
  readonly protectionLifted: boolean
}

export const stageSettings = (stage: string, env: Readonly<Record<string, string | undefined>>): StageSettings => {
  const protectedStage = PROTECTED.has(stage)
  const lifted = protectedStage && env[LIFT_PROTECTION] === stage
  return { protect: protectedStage && !lifted, removal: protectedStage ? "retain" : "remove", protectionLifted: lifted }
}

/** The producer output under `sst dev`: the producer is a local process, with no ECS service to name. */
export const DEV_PRODUCER = "local (sst dev)"
