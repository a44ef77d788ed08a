/**
 * Keeps a set of combined-stream connections alive, one per `ConnectionPlan`:
 * - a failed or lost connection is retried after an exponential, jittered, capped backoff, and
 *   attempts stay under Binance's limit per 5 minutes;
 * - before a connection reaches its maximum age (Binance cuts at 24 h) a replacement is opened,
 *   and the old one is closed only once the replacement delivers; `serverShutdown` starts the
 *   same rotation at once. Trades seen on both are the sequencer's to de-duplicate.
 */
import { type BackoffPolicy, backoffDelay } from "./Backoff.ts"
import { AttemptLimiter } from "./AttemptLimiter.ts"
import { type CloseReason, type ConnectionOptions, StreamConnection } from "./StreamConnection.ts"
import type { ConnectionPlan } from "./StreamPlan.ts"

export interface StreamClientOptions extends ConnectionOptions {
  readonly backoff: BackoffPolicy
  readonly maxConnectionAgeMillis: number
}

export const DEFAULT_CLIENT: Omit<StreamClientOptions, keyof ConnectionOptions> = {
  backoff: { baseMillis: 500, capMillis: 30_000 },
  maxConnectionAgeMillis: 23 * 60 * 60_000
}

export type ClientEvent =
  | { readonly _tag: "Connected"; readonly connection: number; readonly rotation: boolean }
  | { readonly _tag: "Disconnected"; readonly connection: number; readonly reason: CloseReason; readonly detail: string }
  | { readonly _tag: "ConnectFailed"; readonly connection: number; readonly message: string; readonly retryInMillis: number }
  | { readonly _tag: "Rotated"; readonly connection: number; readonly why: "age" | "serverShutdown" }

export interface StreamClientHandlers {
  readonly onFrame: (text: string, connection: number) => void
  readonly onEvent: (event: ClientEvent) => void
}

const isShutdown = (text: string) => text.startsWith('{"stream":"!serverShutdown"') || text.startsWith('{"e":"serverShutdown"')

class Slot {
  current: StreamConnection | undefined
  replacement: StreamConnection | undefined
  connecting = false
  failures = 0
  readonly timers = new Set<NodeJS.Timeout>()
  readonly plan: ConnectionPlan
  constructor(plan: ConnectionPlan) {
    this.plan = plan
  }
}

export class StreamClient {
  private readonly slots: ReadonlyArray<Slot>
  private readonly options: StreamClientOptions
  private readonly handlers: StreamClientHandlers
  private readonly limiter = new AttemptLimiter()
  private stopped = false

  constructor(plans: ReadonlyArray<ConnectionPlan>, options: StreamClientOptions, handlers: StreamClientHandlers) {
    this.slots = plans.map((p) => new Slot(p))
    this.options = options
    this.handlers = handlers
  }

  start(): void {
    for (const slot of this.slots) void this.connect(slot, false)
  }

  stop(): void {
    this.stopped = true
    for (const slot of this.slots) {
      for (const t of slot.timers) clearTimeout(t)
      slot.timers.clear()
      slot.replacement?.close()
      slot.current?.close()
    }
  }

  private later(slot: Slot, ms: number, f: () => void): void {
    const t = setTimeout(() => {
      slot.timers.delete(t)
      f()
    }, ms)
    slot.timers.add(t)
  }

  private async connect(slot: Slot, rotation: boolean): Promise<void> {
    if (this.stopped || slot.connecting) return
    const wait = this.limiter.take(Date.now())
    if (wait > 0) return this.later(slot, wait, () => void this.connect(slot, rotation))
    slot.connecting = true
    let connection: StreamConnection | undefined
    try {
      connection = await StreamConnection.open(slot.plan, this.options, {
        onFrame: (text) => this.frame(slot, connection!, text),
        onClose: (reason, detail) => this.closed(slot, connection!, reason, detail)
      })
    } catch (e) {
      slot.connecting = false
      const retryInMillis = backoffDelay(this.options.backoff, slot.failures++, Math.random())
      this.handlers.onEvent({ _tag: "ConnectFailed", connection: slot.plan.index, message: e instanceof Error ? e.message : String(e), retryInMillis })
      return this.later(slot, retryInMillis, () => void this.connect(slot, rotation && slot.current !== undefined))
    }
    slot.connecting = false
    slot.failures = 0
    if (this.stopped) return connection.close()
    if (rotation && slot.current !== undefined) slot.replacement = connection
    else {
      slot.current = connection
      this.scheduleRotation(slot, connection)
    }
    this.handlers.onEvent({ _tag: "Connected", connection: slot.plan.index, rotation })
  }

  private scheduleRotation(slot: Slot, connection: StreamConnection): void {
    this.later(slot, this.options.maxConnectionAgeMillis, () => {
      if (slot.current === connection) this.rotate(slot, "age")
    })
  }

  private rotate(slot: Slot, why: "age" | "serverShutdown"): void {
    if (slot.replacement !== undefined || slot.connecting) return
    this.handlers.onEvent({ _tag: "Rotated", connection: slot.plan.index, why })
    void this.connect(slot, true)
  }

  private frame(slot: Slot, connection: StreamConnection, text: string): void {
    if (connection === slot.replacement && connection.framesReceived === 1) {
      // The replacement delivers: the old connection can go.
      const old = slot.current
      slot.current = connection
      slot.replacement = undefined
      this.scheduleRotation(slot, connection)
      old?.close()
    }
    if (isShutdown(text)) {
      if (connection === slot.current) this.rotate(slot, "serverShutdown")
      return
    }
    this.handlers.onFrame(text, slot.plan.index)
  }

  private closed(slot: Slot, connection: StreamConnection, reason: CloseReason, detail: string): void {
    if (reason !== "closed-by-client") this.handlers.onEvent({ _tag: "Disconnected", connection: slot.plan.index, reason, detail })
    if (connection === slot.replacement) {
      slot.replacement = undefined
      return
    }
    if (connection !== slot.current) return
    slot.current = undefined
    if (slot.replacement !== undefined) {
      slot.current = slot.replacement
      slot.replacement = undefined
      this.scheduleRotation(slot, slot.current)
      return
    }
    if (this.stopped || reason === "closed-by-client") return
    this.later(slot, backoffDelay(this.options.backoff, slot.failures++, Math.random()), () => void this.connect(slot, false))
  }
}
