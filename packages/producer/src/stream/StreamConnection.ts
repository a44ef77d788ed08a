/**
 * One WebSocket connection to a combined stream, and everything it owns: the socket, its
 * listeners and its timers. Whatever ends it (a connect timeout, silence, an error, the server,
 * the client) ends all of them, once; nothing of a connection outlives it.
 */
import WebSocket from "ws"
import type { ConnectionPlan } from "./StreamPlan.ts"

export interface ConnectionOptions {
  /** An attempt that has not opened by then is abandoned. */
  readonly connectTimeoutMillis: number
  /** A connection that delivers nothing (no frame, no ping) for this long is treated as dead. */
  readonly idleTimeoutMillis: number
  /** Gap between our control messages; Binance allows 5 incoming messages a second, pongs included. */
  readonly controlSpacingMillis: number
}

export const DEFAULT_CONNECTION: ConnectionOptions = { connectTimeoutMillis: 10_000, idleTimeoutMillis: 60_000, controlSpacingMillis: 300 }

export type CloseReason = "idle" | "closed-by-server" | "error" | "closed-by-client"

export interface ConnectionHandlers {
  readonly onFrame: (text: string) => void
  readonly onClose: (reason: CloseReason, detail: string) => void
}

export class ConnectError extends Error {
  readonly url: string
  constructor(url: string, message: string) {
    super(`connecting to ${url}: ${message}`)
    this.url = url
  }
}

export class StreamConnection {
  readonly plan: ConnectionPlan
  readonly openedAt: number
  framesReceived = 0
  private readonly ws: WebSocket
  private readonly handlers: ConnectionHandlers
  private readonly timers = new Set<NodeJS.Timeout>()
  private activity = 0
  private ended = false

  /** Opens the connection, or rejects with `ConnectError` once the connect timeout passes. */
  static open(plan: ConnectionPlan, options: ConnectionOptions, handlers: ConnectionHandlers): Promise<StreamConnection> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(plan.url, { perMessageDeflate: false })
      const fail = (message: string) => {
        clearTimeout(timeout)
        ws.removeAllListeners()
        ws.on("error", () => {}) // a late error of an abandoned socket must not crash the process
        ws.terminate()
        reject(new ConnectError(plan.url, message))
      }
      const timeout = setTimeout(() => fail(`no answer within ${options.connectTimeoutMillis} ms`), options.connectTimeoutMillis)
      ws.once("error", (e) => fail(e.message))
      ws.once("unexpected-response", (_, res) => fail(`HTTP ${res.statusCode}`))
      ws.once("open", () => {
        clearTimeout(timeout)
        ws.removeAllListeners()
        resolve(new StreamConnection(ws, plan, options, handlers))
      })
    })
  }

  private constructor(ws: WebSocket, plan: ConnectionPlan, options: ConnectionOptions, handlers: ConnectionHandlers) {
    this.ws = ws
    this.plan = plan
    this.handlers = handlers
    this.openedAt = Date.now()
    ws.on("message", (data, isBinary) => {
      this.activity++
      if (isBinary) return
      const text = data.toString()
      // Replies to our SUBSCRIBE messages are not market data.
      if (text.startsWith('{"result"') || text.startsWith('{"id"')) return
      this.framesReceived++
      handlers.onFrame(text)
    })
    ws.on("ping", () => this.activity++) // ws answers with the pong itself, echoing the payload
    ws.on("error", (e) => this.end("error", e.message))
    ws.on("close", (code, reason) => this.end("closed-by-server", `${code} ${reason.toString()}`.trim()))

    let seen = -1
    let quietSince = Date.now()
    const watch = setInterval(() => {
      if (this.activity !== seen) {
        seen = this.activity
        quietSince = Date.now()
      } else if (Date.now() - quietSince >= options.idleTimeoutMillis) {
        this.end("idle", `nothing received for ${options.idleTimeoutMillis} ms`)
      }
    }, Math.max(10, Math.floor(options.idleTimeoutMillis / 4)))
    this.timers.add(watch)

    plan.subscribes.forEach((streams, i) => {
      const t = setTimeout(() => {
        this.timers.delete(t)
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ method: "SUBSCRIBE", params: streams, id: i + 1 }))
      }, (i + 1) * options.controlSpacingMillis)
      this.timers.add(t)
    })
  }

  /** Ends the connection from our side. */
  close(): void {
    this.end("closed-by-client", "")
  }

  private end(reason: CloseReason, detail: string): void {
    if (this.ended) return
    this.ended = true
    for (const t of this.timers) {
      clearTimeout(t)
      clearInterval(t)
    }
    this.timers.clear()
    this.ws.removeAllListeners()
    this.ws.on("error", () => {})
    this.ws.terminate()
    this.handlers.onClose(reason, detail)
  }
}
