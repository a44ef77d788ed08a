/** The backfill task's entry point (`node backfill.mjs` in the producer's image): runs once and exits, non-zero with the reason on failure. */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { runBackfillTask } from "./BackfillTask.ts"

NodeRuntime.runMain(runBackfillTask())
