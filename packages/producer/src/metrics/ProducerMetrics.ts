/**
 * What the producer counts, and the per-second rates derived from it. Counters only go up; a
 * rate is the change over the last sampling window (the producer samples once a second).
 */
import type { Gap } from "@blockchaincore/core/gaps/Gap"
import type { ClientEvent } from "../stream/ConnectionSupervisor.ts"
export interface SymbolCounters {
  frames: number
  trades: number
  /** Exchange time of the latest trade seen, 0 before the first. */
  lastTradeTime: number
  /** Wall-clock time that trade arrived, 0 before the first: a replay's trades are old on arrival. */
  lastTradeAt: number
  /** Wall-clock time the completeness watermark first found its stream behind Binance; 0 while it is not. */
  silentSince: number
  /** Binance's status for it (`TRADING`, `BREAK`, …) at the last check; "" before the first answer. */
  status: string
}

interface ProducerCounters {
  readonly symbols: Map<string, SymbolCounters>
  framesMalformed: number
  /** The last malformed frame (cut to 300 characters) and why it was rejected. */
  lastMalformed: { readonly frame: string; readonly reason: string } | undefined
  duplicatesDropped: number
  connects: number
  /** The stream connections up now, by their index in the connection plan. */
  readonly connectionsUp: Set<number>
  /** What each connection is doing, and since when: for the health endpoint and the dashboard. */
  readonly connections: Map<number, ConnectionState>
  reconnects: number
  connectFailures: number
  rotations: number
  gapsFound: number
  /** Of those, gaps the completeness watermark found: a symbol silent behind the exchange. */
  silentGaps: number
  gapsFilled: number
  /** Asks of REST for a gap's trades that came back short (a lagging database, a failure): each is asked again. */
  gapRetries: number
  /** The gaps not filled yet, by symbol and last id: as found, since when, and whether said overdue. */
  readonly gapsWaiting: Map<string, WaitingGap>
  tradesBackfilled: number
  busFailures: number
}

export interface WaitingGap {
  readonly gap: Gap
  readonly foundAt: number
  readonly overdue: boolean
}

export interface MetricsSnapshot {
  readonly counters: ProducerCounters
  readonly perSecond: ReadonlyMap<string, { readonly frames: number; readonly trades: number }>
  readonly publish: { readonly published: number; readonly journaled: number; readonly lastLatencyMillis: number; readonly failures: number }
  readonly journalSize: number
}

/**
 * A connection's state: up; connecting (a first attempt, or after a loss); or down (attempts
 * failing), with the last failure. `since` is when it entered the state, not the last attempt.
 */
interface ConnectionState {
  readonly state: "up" | "connecting" | "down"
  readonly since: number
  readonly detail: string
}

export class ProducerMetrics {
  readonly counters: ProducerCounters = {
    symbols: new Map(),
    framesMalformed: 0,
    lastMalformed: undefined,
    duplicatesDropped: 0,
    connects: 0,
    connectionsUp: new Set(),
    connections: new Map(),
    reconnects: 0,
    connectFailures: 0,
    rotations: 0,
    gapsFound: 0,
    silentGaps: 0,
    gapsFilled: 0,
    gapRetries: 0,
    gapsWaiting: new Map(),
    tradesBackfilled: 0,
    busFailures: 0
  }
  private previous = new Map<string, SymbolCounters>()
  private previousAt: number
  private rates = new Map<string, { frames: number; trades: number }>()

  constructor(startedAt: number) {
    this.previousAt = startedAt
  }

  symbol(symbol: string): SymbolCounters {
    let c = this.counters.symbols.get(symbol)
    if (c === undefined) {
      c = { frames: 0, trades: 0, lastTradeTime: 0, lastTradeAt: 0, silentSince: 0, status: "" }
      this.counters.symbols.set(symbol, c)
    }
    return c
  }

  /** Takes a sample: rates become the change since the last one. */
  sample(now: number): void {
    const seconds = Math.max(0.001, (now - this.previousAt) / 1000)
    this.rates = new Map(
      [...this.counters.symbols].map(([s, c]) => {
        const p = this.previous.get(s) ?? { frames: 0, trades: 0, lastTradeTime: 0, lastTradeAt: 0, silentSince: 0, status: "" }
        return [s, { frames: (c.frames - p.frames) / seconds, trades: (c.trades - p.trades) / seconds }]
      })
    )
    this.previous = new Map([...this.counters.symbols].map(([s, c]) => [s, { ...c }]))
    this.previousAt = now
  }

  /** Follows the connections from the supervisor's events: their states and the counts. */
  connectionEvent(event: ClientEvent): void {
    const c = this.counters
    const states = c.connections
    const was = states.get(event.connection)
    const enter = (state: ConnectionState["state"], detail: string) =>
      states.set(event.connection, { state, since: was?.state === state ? was.since : event.at, detail })
    switch (event._tag) {
      case "Connecting":
        if (was?.state !== "up" && was?.state !== "down") enter("connecting", "")
        break
      case "ConnectFailed":
        c.connectFailures++
        enter("down", event.message)
        break
      case "Connected":
        if (!event.rotation && c.connects > 0) c.reconnects++
        c.connects++
        c.connectionsUp.add(event.connection)
        enter("up", "")
        break
      case "Disconnected":
        c.connectionsUp.delete(event.connection)
        enter("connecting", event.detail)
        break
      case "Rotated":
        c.rotations++
        break
    }
  }

  perSecond(): ReadonlyMap<string, { readonly frames: number; readonly trades: number }> {
    return this.rates
  }
}
