/**
 * A consumer of domain events, declared once: its name, the EventBridge pattern of the events it
 * wants, its handler, and the ports it needs (from which the AWS stack derives its permissions).
 * `stacks/events.ts` turns each declaration into a bus rule; the local runtime subscribes the
 * same handler in-process.
 */
import type { Effect } from "effect"
import type { DomainEvent } from "@blockchaincore/core/events/DomainEvent"
import type { EventPattern } from "@blockchaincore/core/events/EventPattern"

export type Port = "AlertConditions" | "CandleStore" | "EventBus" | "EventHistory" | "Notifier" | "TradeArchive" | "Webhook"

export interface Consumer<R> {
  readonly name: string
  readonly description: string
  readonly pattern: EventPattern
  readonly needs: ReadonlyArray<Port>
  readonly handle: (event: DomainEvent) => Effect.Effect<void, { readonly _tag: string; readonly message: string }, R>
}
