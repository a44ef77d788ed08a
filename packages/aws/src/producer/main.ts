/**
 * The producer's container entry point (packages/producer/Dockerfile) and `sst dev`'s producer
 * command. SIGTERM (ECS stopping the task) interrupts the program: the producer's scope closes,
 * pending batches are sent or journaled, and the process exits. A configuration or start-up
 * failure ends the process with the reason and a non-zero code.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Effect } from "effect"
import { runProducerTask, settingsFromEnvironment } from "./ProducerTask.ts"

settingsFromEnvironment(process.env).pipe(
  Effect.flatMap(runProducerTask),
  Effect.tapCause((cause) => Effect.logError("the producer stopped", cause)),
  NodeRuntime.runMain
)
