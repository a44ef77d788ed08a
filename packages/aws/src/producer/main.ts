/**
 * The producer's container entry point (packages/aws/Dockerfile) and `sst dev`'s producer
 * command. SIGTERM (ECS stopping the task) interrupts the program: the producer's scope closes,
 * pending batches are sent or journaled, and the process exits 0, a requested stop. A
 * configuration or start-up failure ends the process with the reason and a non-zero code.
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Cause, Effect, Exit, Runtime } from "effect"
import { runProducerTask, settingsFromEnvironment } from "./ProducerTask.ts"

const stoppedOnRequest: Runtime.Teardown = (exit, onExit) =>
  Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause) ? onExit(0) : Runtime.defaultTeardown(exit, onExit)

NodeRuntime.runMain(
  settingsFromEnvironment().pipe(
    Effect.flatMap(runProducerTask),
    Effect.tapCause((cause) =>
      Cause.hasInterruptsOnly(cause) ? Effect.logInfo("the producer stopped on request") : Effect.logError("the producer stopped", cause)
    )
  ),
  { teardown: stoppedOnRequest }
)
