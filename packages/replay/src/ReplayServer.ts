/**
 * A server on loopback that speaks Binance's market-data protocol and replays a recording: the
 * combined-stream WebSocket (`/stream?streams=a/b`, raw `/ws/<stream>`, SUBSCRIBE and its reply,
 * pings) and REST as `ReplayRest` answers it. It is the producer's test opponent and the offline
 * source for demos, so it can misbehave on command (`ReplayFaults`).
 *
 * The market moves on whether or not anyone listens: `head` is the furthest frame any connection
 * has been sent. A new connection starts there; one that replaces a dropped connection starts
 * `missOnReconnect` frames later, the trades a real client misses while it is away.
 */
import { createServer, type IncomingMessage, type Server } from "node:http"
import { Option, Schema } from "effect"
import { WebSocketServer, type WebSocket } from "ws"
import type { RecordedFrame } from "./Recording.ts"
import { ReplayMarket } from "./ReplayMarket.ts"
import { answerRest } from "./ReplayRest.ts"

export interface ReplayFaults {
  /** After this many frames sent in all, cut the connection that sent it (no close frame); a list cuts once at each. */
  readonly dropAt?: number | ReadonlyArray<number>
  /** After this many frames sent in all, that connection goes silent: no frames, no pings. */
  readonly stallAt?: number
  /** After this many frames sent in all, send `serverShutdown` and close 2 s later. */
  readonly shutdownAt?: number
  /** Send every n-th frame twice. */
  readonly duplicateEvery?: number
  /** Never send every n-th frame (never the last of a stream): a gap the client must fill from REST. */
  readonly dropEvery?: number
  /** Send a malformed frame before every n-th frame. */
  readonly malformedEvery?: number
  /** Answer the first n REST requests with 429 and `Retry-After: 1`. */
  readonly rest429?: number
  /**
   * After this many frames sent in all, `symbol`'s trades are never sent again, while the
   * connection and the other symbols go on (its trades still happen: REST has them).
   */
  readonly silenceSymbol?: { readonly symbol: string; readonly after: number }
  /**
   * From `fromTime` to `toTime` (trade time) `symbol` is halted: exchangeInfo says `BREAK` while
   * the market's time is in that span, and klines have no row for its minutes without trades. The
   * market does not wait for anyone to ask. The recording should have no trades of the symbol in
   * the span (`haltedRecording`).
   */
  readonly halt?: { readonly symbol: string; readonly fromTime: number; readonly toTime: number }
  /**
   * How far the trade database behind `historicalTrades`, `aggTrades` and klines lags the market
   * (Binance's docs allow it): they know only the trades made that long before the market's time.
   */
  readonly restLagMillis?: number
}

export interface ReplayOptions {
  /** Trade-time pacing: 1 is real time, 10 ten times faster; undefined is as fast as the client reads. */
  readonly speed?: number
  readonly port?: number
  readonly pingIntervalMillis?: number
  /** Wait after a connection opens before its first frame (default 10 ms): time for SUBSCRIBE. */
  readonly startDelayMillis?: number
  /** Frames the market has moved on by when the first client connects (default 0). */
  readonly startAt?: number
  /** Frames the market moves on while a dropped client reconnects (default 50). */
  readonly missOnReconnect?: number
  readonly faults?: ReplayFaults
}

/** What the server did, for tests and the demo's status line. */
export interface ReplayStats {
  connections: number
  framesSent: number
  restRequests: number
  rest429: number
  subscribes: number
  pongs: number
  /** Connections closed for sending more than 5 messages a second. */
  closedForRate: number
  /** Each connection in the order they opened: when its last SUBSCRIBE was acknowledged, and when it closed (-1: not yet). */
  sessions: Array<{ subscribedAt: number; closedAt: number }>
}

const MALFORMED = '{"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":"not-an-id"}}'
/** Frames sent before waiting for the socket to take them: reading speed sets the pace. */
const CHUNK = 256

export class ReplayServer {
  readonly stats: ReplayStats = { connections: 0, framesSent: 0, restRequests: 0, rest429: 0, subscribes: 0, pongs: 0, closedForRate: 0, sessions: [] }
  private readonly frames: ReadonlyArray<RecordedFrame>
  private readonly options: ReplayOptions
  private readonly faults: ReplayFaults
  private readonly market: ReplayMarket
  private readonly http: Server
  private readonly wss: WebSocketServer
  private readonly live = new Set<WebSocket>()
  /** Where paced replay began: the wall time of the first frame sent and its trade time. */
  get pacingOrigin(): { readonly wall: number; readonly trade: number } | undefined {
    return this.market.pacingOrigin
  }
  private drops = 0
  private stalled = false
  private shutdownSent = false

  constructor(frames: ReadonlyArray<RecordedFrame>, options: ReplayOptions = {}) {
    this.frames = frames
    this.options = options
    this.faults = options.faults ?? {}
    this.market = new ReplayMarket(frames, this.faults, this.stats, options.startAt ?? 0, options.speed)
    this.http = createServer((req, res) => answerRest(this.market, req, res))
    this.wss = new WebSocketServer({ server: this.http })
    this.wss.on("connection", (ws, req) => this.connect(ws, req))
  }

  /** Listens on 127.0.0.1; resolves with the port. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.http.once("error", reject)
      this.http.listen(this.options.port ?? 0, "127.0.0.1", () => {
        const address = this.http.address()
        if (address === null || typeof address === "string") reject(new Error("the replay server is not on a TCP port"))
        else resolve(address.port)
      })
    })
  }

  close(): Promise<void> {
    for (const ws of this.live) ws.terminate()
    this.wss.close()
    return new Promise((resolve) => this.http.close(() => resolve()))
  }

  private connect(ws: WebSocket, req: IncomingMessage): void {
    const url = new URL(req.url ?? "/", "http://127.0.0.1")
    const streams = new Set(
      url.pathname === "/stream"
        ? (url.searchParams.get("streams") ?? "").split("/").filter((s) => s.length > 0)
        : url.pathname.startsWith("/ws/")
          ? [url.pathname.slice(4)]
          : []
    )
    const combined = url.pathname === "/stream"
    const reconnect = this.stats.connections > 0 && this.live.size === 0
    this.stats.connections++
    const session = { subscribedAt: -1, closedAt: -1 }
    this.stats.sessions.push(session)
    this.live.add(ws)
    // Paced, the frames whose time came while no one listened are missed too.
    let cursor = Math.min(this.frames.length, Math.max(this.market.reached(), this.market.head + (reconnect ? (this.options.missOnReconnect ?? 50) : 0)))
    let silent = false
    let paceStart: { readonly wall: number; readonly trade: number } | undefined
    let controlTimes: Array<number> = []
    const timers = new Set<NodeJS.Timeout>()
    const later = (ms: number, f: () => void) => {
      const t = setTimeout(() => {
        timers.delete(t)
        f()
      }, ms)
      timers.add(t)
    }
    const ping = setInterval(() => {
      if (!silent && ws.readyState === ws.OPEN) ws.ping(String(Date.now()))
    }, this.options.pingIntervalMillis ?? 20_000)
    ws.on("pong", () => this.stats.pongs++)
    ws.on("close", () => {
      session.closedAt = Date.now()
      clearInterval(ping)
      for (const t of timers) clearTimeout(t)
      this.live.delete(ws)
    })
    ws.on("error", () => ws.terminate())
    ws.on("message", (data) => {
      // Binance closes a connection that sends more than 5 messages a second.
      const now = Date.now()
      controlTimes = [...controlTimes.filter((t) => now - t < 1000), now]
      if (controlTimes.length > 5) {
        this.stats.closedForRate++
        return ws.close(1008, "too many messages")
      }
      const request = parseControl(String(data))
      if (request === undefined) return ws.send(JSON.stringify({ error: { code: 2, msg: "Invalid request" } }))
      if (request.method === "SUBSCRIBE") {
        this.stats.subscribes++
        for (const s of request.params) streams.add(s)
        session.subscribedAt = Date.now()
        if (idle) later(0, pump)
      } else if (request.method === "UNSUBSCRIBE") {
        for (const s of request.params) streams.delete(s)
      } else if (request.method === "LIST_SUBSCRIPTIONS") {
        return ws.send(JSON.stringify({ result: [...streams], id: request.id }))
      }
      ws.send(JSON.stringify({ result: null, id: request.id }))
    })

    const send = (text: string, written?: () => void) => {
      if (ws.readyState === ws.OPEN) ws.send(text, written === undefined ? undefined : () => written())
    }
    const unwrap = (f: RecordedFrame) => (combined ? f.text : f.text.slice(f.text.indexOf(',"data":') + 8, -1))

    /**
     * Sends the next frame of this connection's streams, calling `written` once the socket has
     * taken it; false when there is none, or the connection must stop.
     */
    const sendNext = (written?: () => void): boolean => {
      while (cursor < this.frames.length && !streams.has(this.frames[cursor]!.stream)) cursor++
      if (cursor >= this.frames.length || silent || ws.readyState !== ws.OPEN) return false
      const index = cursor++
      const frame = this.frames[index]!
      this.market.head = Math.max(this.market.head, cursor)
      const n = ++this.stats.framesSent
      const f = this.faults
      if (f.malformedEvery !== undefined && n % f.malformedEvery === 0) send(MALFORMED)
      if (f.duplicateEvery !== undefined && n % f.duplicateEvery === 0) send(unwrap(frame))
      const silenced = f.silenceSymbol !== undefined && n > f.silenceSymbol.after && frame.trade.symbol === f.silenceSymbol.symbol
      if (silenced || (f.dropEvery !== undefined && n % f.dropEvery === 0 && !this.market.lastOfStream.has(index))) {
        if (written !== undefined) setImmediate(written)
      } else {
        send(unwrap(frame), written)
      }
      const nextDrop = [f.dropAt ?? []].flat()[this.drops]
      if (nextDrop !== undefined && n >= nextDrop) {
        this.drops++
        ws.terminate()
        return false
      }
      if (f.stallAt !== undefined && n >= f.stallAt && !this.stalled) {
        this.stalled = true
        silent = true
        return false
      }
      if (f.shutdownAt !== undefined && n >= f.shutdownAt && !this.shutdownSent) {
        this.shutdownSent = true
        const shutdown = JSON.stringify({ e: "serverShutdown", E: Date.now() })
        send(combined ? `{"stream":"!serverShutdown","data":${shutdown}}` : shutdown)
        later(2_000, () => ws.close(1001, "server shutdown"))
      }
      return true
    }

    /** The pump ran out of frames for this connection's streams; a SUBSCRIBE restarts it. */
    let idle = false
    const pump = (): void => {
      idle = false
      if (this.options.speed === undefined) {
        // A chunk at a time, the next once the socket has taken this one: the reader sets the pace.
        for (let i = 0; i < CHUNK - 1; i++) if (!sendNext()) return void (idle = true)
        if (!sendNext(() => setImmediate(pump))) idle = true
        return
      }
      // Paced: everything whose trade time, scaled by the speed, has come; then sleep until the next.
      const speed = this.options.speed
      const first = this.frames[cursor]
      if (first === undefined) return
      paceStart ??= this.market.pacingOrigin ??= { wall: Date.now(), trade: first.trade.time }
      const due = paceStart.trade + (Date.now() - paceStart.wall) * speed
      while (this.frames[cursor] !== undefined && this.frames[cursor]!.trade.time <= due) if (!sendNext()) return
      const next = this.frames[cursor]
      if (next !== undefined) later(Math.max(1, (next.trade.time - due) / speed), pump)
    }
    later(this.options.startDelayMillis ?? 10, pump)
  }
}

const ControlRequest = Schema.fromJsonString(
  Schema.Struct({
    method: Schema.Literals(["SUBSCRIBE", "UNSUBSCRIBE", "LIST_SUBSCRIPTIONS"]),
    params: Schema.optionalKey(Schema.Array(Schema.String)),
    id: Schema.Int
  })
)

const parseControl = (text: string) => {
  const request = Schema.decodeUnknownOption(ControlRequest)(text)
  return Option.isSome(request) ? { ...request.value, params: request.value.params ?? [] } : undefined
}
