/**
 * A chat webhook (Slack- or Discord-style) for the consumers that post to one: a port of its
 * own, beside the `Notifier` the alert service uses, so that each deployment wires both without
 * special cases. Off (it logs what it would have posted) until a URL is configured.
 */
import { Context } from "effect"
import type { Notifier } from "./Notifier.ts"

export class Webhook extends Context.Service<Webhook, Notifier["Service"]>()("@blockchaincore/core/ports/Webhook") {}
