/** The local notifier: alerts on the terminal, through the log. */
import { Effect, Layer } from "effect"
import { Notifier } from "@blockchaincore/core/ports/Notifier"

export const layerLogNotifier: Layer.Layer<Notifier> = Layer.succeed(
  Notifier,
  Notifier.of({
    channel: "terminal",
    notify: (n) => (n.severity === "info" ? Effect.logInfo(`${n.subject}: ${n.body}`) : Effect.logWarning(`${n.subject}: ${n.body}`))
  })
)
