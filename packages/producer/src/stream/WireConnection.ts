/**
 * One WebSocket connection to a combined stream as a scoped resource yielding a pull-based
 * `Stream` of its text frames. The socket's listeners are attached when the socket is made, and
 * all they do is hand what happened to a queue: a frame that arrives in the same TCP read as the
 * handshake is queued before anyone asks for it, a socket that errors or closes during the
 * handshake fails the opening, and nothing a socket does can throw into Node's event loop. The
 * stream fails with `ConnectionLost` when the server closes, the socket errors, or nothing
 * (neither frame nor ping) arrives for the idle timeout; closing the scope terminates the socket.
 * Backpressure: past `HIGH_WATER` unread frames the socket is paused (TCP pushes back on the
 * server) and resumed below `LOW_WATER`, so a flood costs bounded memory.
 */
import { Cause, Deferred, Duration, Effect, Exit, Queue, Schema, type Scope, Stream } from "effect"
import WebSocket from "ws"
import { LOCATION_REFUSED_STATUS, statusText } from "@blockchaincore/binance/rest/LocationRefused"
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

export class ConnectFailed extends Schema.TaggedError<ConnectFailed>()("ConnectFailed", {
  url: Schema.String,
  reason: Schema.String,
  /** Binance refused this location (HTTP 451): retried slowly. */
  refused: Schema.optional(Schema.Boolean)
}) {
  override get message() {
    return `cannot reach ${this.url}: ${this.reason}`
  }
}

export class ConnectionLost extends Schema.TaggedError<ConnectionLost>()("ConnectionLost", {
  reason: Schema.Literals(["idle", "closed-by-server", "error"]),
  detail: Schema.String
}) {
  override get message() {
    return `${this.reason}${this.detail === "" ? "" : `: ${this.detail}`}`
  }
}

/** Unread frames at which the socket is paused, and resumed. */
export const HIGH_WATER = 4_096
const LOW_WATER = 1_024

/** What the socket's listeners report: a text frame, or a sign of life (a ping, a binary frame). */
type Received = string | 0

const isReply = (text: string) => text.startsWith('{"result"') || text.startsWith('{"id"') || text.startsWith('{"error"')

/** A reply's id (SUBSCRIBE's are 1..n); -1 for none. */
const replyId = (text: string): number => {
  const match = /"id":(\d+)/.exec(text)
  return match === null ? -1 : Number(match[1])
}

/** A connection that is open: its frames, and how to send a control message. */
export interface OpenConnection {
  readonly frames: Stream.Stream<string, ConnectionLost>
  readonly send: (message: string) => Effect.Effect<void>
  /** Frames received and not yet read: bounded by the pause at `HIGH_WATER`. */
  readonly buffered: () => number
  /**
   * Done once Binance has acknowledged every SUBSCRIBE of the plan (at once without any): from
   * then on every stream of the connection is delivered. Fails if Binance refuses one.
   */
  readonly subscribed: Deferred.Deferred<void, ConnectionLost>
}

export const openConnection = (plan: ConnectionPlan, options: ConnectionOptions): Effect.Effect<OpenConnection, ConnectFailed, Scope.Scope> =>
  Effect.gen(function* () {
    const received = yield* Queue.unbounded<Received, ConnectionLost>()
    const opened = yield* Deferred.make<void, ConnectFailed>()
    const subscribed = yield* Deferred.make<void, ConnectionLost>()
    const awaitingAcks = new Set(plan.subscribes.map((_, i) => i + 1))
    if (awaitingAcks.size === 0) Deferred.doneUnsafe(subscribed, Exit.void)
    const reply = (text: string) => {
      const id = replyId(text)
      if (!awaitingAcks.delete(id)) return
      if (text.includes('"error"'))
        Deferred.doneUnsafe(subscribed, Exit.fail(new ConnectionLost({ reason: "error", detail: `SUBSCRIBE ${id} refused: ${text.slice(0, 200)}` })))
      else if (awaitingAcks.size === 0) Deferred.doneUnsafe(subscribed, Exit.void)
    }
    const failed = (reason: string, refused = false) => new ConnectFailed({ url: plan.url, reason, ...(refused ? { refused } : {}) })
    const lost = (reason: ConnectionLost["reason"], detail: string, refused = false) => {
      // Before the handshake completes, the opening fails; after, the stream does (both once).
      Deferred.doneUnsafe(opened, Exit.fail(failed(reason === "error" ? detail : `closed during the handshake (${detail})`, refused)))
      Queue.failCauseUnsafe(received, Cause.fail(new ConnectionLost({ reason, detail })))
    }
    const ws = yield* Effect.acquireRelease(
      Effect.sync(() => {
        const socket = new WebSocket(plan.url, { perMessageDeflate: false })
        socket.on("open", () => Deferred.doneUnsafe(opened, Exit.void))
        socket.on("unexpected-response", (_request, response) =>
          lost("error", statusText(response.statusCode), response.statusCode === LOCATION_REFUSED_STATUS)
        )
        socket.on("message", (data, isBinary) => {
          if (isBinary) {
            Queue.offerUnsafe(received, 0)
            return
          }
          const text = data.toString()
          if (isReply(text)) reply(text)
          Queue.offerUnsafe(received, isReply(text) ? 0 : text)
          if (Queue.sizeUnsafe(received) >= HIGH_WATER) socket.pause()
        })
        socket.on("ping", () => Queue.offerUnsafe(received, 0)) // ws answers with the pong itself
        socket.on("error", (e) => lost("error", e.message))
        socket.on("close", (code, reason) => lost("closed-by-server", `${code} ${reason.toString()}`.trim()))
        return socket
      }),
      (socket) =>
        Effect.sync(() => {
          socket.removeAllListeners()
          socket.on("error", () => {}) // a late error of a terminated socket is of no one's interest
          socket.terminate()
        })
    )
    yield* Deferred.await(opened).pipe(
      Effect.timeoutOrElse({
        duration: Duration.millis(options.connectTimeoutMillis),
        orElse: () => Effect.fail(failed(`no answer within ${options.connectTimeoutMillis} ms`))
      })
    )
    const send = (message: string) =>
      Effect.sync(() => {
        if (ws.readyState === WebSocket.OPEN) ws.send(message)
      })
    // Further streams, paced under Binance's limit of 5 incoming messages a second.
    yield* Effect.forkScoped(
      Effect.forEach(
        plan.subscribes,
        (streams, i) =>
          send(JSON.stringify({ method: "SUBSCRIBE", params: streams, id: i + 1 })).pipe(Effect.delay(Duration.millis(options.controlSpacingMillis))),
        { discard: true }
      )
    )
    const frames = Stream.fromQueue(received).pipe(
      Stream.timeoutOrElse({
        duration: Duration.millis(options.idleTimeoutMillis),
        orElse: () => Stream.fail(new ConnectionLost({ reason: "idle", detail: `nothing received for ${options.idleTimeoutMillis} ms` }))
      }),
      // Once per chunk, not per frame: resume a paused socket once it has been drained.
      Stream.mapArray((chunk) => {
        if (ws.isPaused && Queue.sizeUnsafe(received) <= LOW_WATER) ws.resume()
        return chunk
      }),
      Stream.filter((r): r is string => r !== 0)
    )
    return { frames, send, buffered: () => Queue.sizeUnsafe(received), subscribed }
  })
