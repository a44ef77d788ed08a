/**
 * Where alerts go: SNS on AWS (e-mail, SMS, mobile push), the terminal and log locally.
 */
import { Context, type Effect, Schema } from "effect"

export class NotifyFailed extends Schema.TaggedError<NotifyFailed>()("NotifyFailed", {
  channel: Schema.String,
  message: Schema.String
}) {}

export interface Notification {
  readonly subject: string
  readonly body: string
  readonly severity: "medium" | "high" | "info"
}

export class Notifier extends Context.Service<
  Notifier,
  {
    /** The channel's name, as `AlertSent` reports it. */
    readonly channel: string
    readonly notify: (notification: Notification) => Effect.Effect<void, NotifyFailed>
  }
>()("@blockchaincore/core/ports/Notifier") {}
