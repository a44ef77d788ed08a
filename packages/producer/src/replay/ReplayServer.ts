/**
 * A server on loopback that speaks Binance's market-data protocol and replays a recording: the
 * combined-stream WebSocket (`/stream?streams=a/b`, raw `/ws/<stream>`, SUBSCRIBE and its reply,
 * pings), REST `historicalTrades` for the ids in the recording, the 24 h ticker's `lastId`
 * of each symbol as of the market's head (the furthest frame sent), the klines of the windows the
 * market has closed, and exchangeInfo (the bundled excerpt, with each symbol's status). It is the producer's test
 * opponent and the offline source for demos, so it can misbehave on command (`ReplayFaults`).
 *
 * The market moves on whether or not anyone listens: `head` is the furthest frame any connection
 * has been sent. A new connection starts there; one that replaces a dropped connection starts
 * `missOnReconnect` frames later, the trades a real client misses while it is away.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import { Option, Schema } from "effect"
import { WebSocketServer, type WebSocket } from "ws"
import { BUNDLED_EXCHANGE_INFO } from "@blockchaincore/core/binance/bundledExchangeInfo"
import { CandleEngine } from "@blockchaincore/core/candle/CandleEngine"
import { Interval } from "@blockchaincore/core/candle/Interval"
import { klineRow } from "@blockchaincore/core/candle/KlineCsv"
import { formatUnits, PRICE_SCALE, QUOTE_SCALE } from "@blockchaincore/core/decimal/Decimal"
import type { RecordedFrame } from "./Recording.ts"

export interface ReplayFaults {
  /** After this many frames sent in all, cut the connection that sent it (no close frame). */
  readonly dropAt?: number
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
   * the market's next frame is in that span. The market waits at the halt's start until
   * exchangeInfo has been asked twice, so a client that asks on a schedule (one request after the
   * other) has taken the halt in before the stream moves into it. The recording should have no
   * trades of the symbol in the span (`haltedRecording`).
   */
  readonly halt?: { readonly symbol: string; readonly fromTime: number; readonly toTime: number }
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
}

const MALFORMED = '{"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":"not-an-id"}}'
/** Frames sent before waiting for the socket to take them: reading speed sets the pace. */
const CHUNK = 256

export class ReplayServer {
  readonly stats: ReplayStats = { connections: 0, framesSent: 0, restRequests: 0, rest429: 0, subscribes: 0, pongs: 0, closedForRate: 0 }
  private readonly frames: ReadonlyArray<RecordedFrame>
  private readonly options: ReplayOptions
  private readonly faults: ReplayFaults
  private readonly bySymbol = new Map<string, ReadonlyArray<RecordedFrame>>()
  private readonly lastOfStream = new Set<number>()
  private readonly http: Server
  private readonly wss: WebSocketServer
  private readonly live = new Set<WebSocket>()
  /** Where paced replay began: the wall time of the first frame sent and its trade time. */
  pacingOrigin: { readonly wall: number; readonly trade: number } | undefined
  private head: number
  private dropped = false
  private stalled = false
  private shutdownSent = false
  /** exchangeInfo requests since the market reached the halt's start (-1 before). */
  private haltAsks = -1
  /** Connections waiting at the halt's start for it to be seen. */
  private readonly waitingForHalt = new Set<() => void>()

  constructor(frames: ReadonlyArray<RecordedFrame>, options: ReplayOptions = {}) {
    this.frames = frames
    this.options = options
    this.faults = options.faults ?? {}
    this.head = options.startAt ?? 0
    const last = new Map<string, number>()
    frames.forEach((f, i) => last.set(f.stream, i))
    for (const i of last.values()) this.lastOfStream.add(i)
    for (const symbol of new Set(frames.map((f) => f.trade.symbol))) {
      this.bySymbol.set(symbol, frames.filter((f) => f.trade.symbol === symbol))
    }
    this.http = createServer((req, res) => this.rest(req, res))
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
    this.live.add(ws)
    let cursor = Math.min(this.frames.length, this.head + (reconnect ? (this.options.missOnReconnect ?? 50) : 0))
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
      if (this.holdsForHalt(this.frames[cursor]!)) {
        this.waitingForHalt.add(() => later(0, pump))
        return false
      }
      const index = cursor++
      const frame = this.frames[index]!
      this.head = Math.max(this.head, cursor)
      const n = ++this.stats.framesSent
      const f = this.faults
      if (f.malformedEvery !== undefined && n % f.malformedEvery === 0) send(MALFORMED)
      if (f.duplicateEvery !== undefined && n % f.duplicateEvery === 0) send(unwrap(frame))
      const silenced = f.silenceSymbol !== undefined && n > f.silenceSymbol.after && frame.trade.symbol === f.silenceSymbol.symbol
      if (silenced || (f.dropEvery !== undefined && n % f.dropEvery === 0 && !this.lastOfStream.has(index))) {
        if (written !== undefined) setImmediate(written)
      } else {
        send(unwrap(frame), written)
      }
      if (f.dropAt !== undefined && n >= f.dropAt && !this.dropped) {
        this.dropped = true
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
      paceStart ??= this.pacingOrigin ??= { wall: Date.now(), trade: first.trade.time }
      const due = paceStart.trade + (Date.now() - paceStart.wall) * speed
      while (this.frames[cursor] !== undefined && this.frames[cursor]!.trade.time <= due) if (!sendNext()) return
      const next = this.frames[cursor]
      if (next !== undefined) later(Math.max(1, (next.trade.time - due) / speed), pump)
    }
    later(this.options.startDelayMillis ?? 10, pump)
  }

  private rest(req: IncomingMessage, res: ServerResponse): void {
    this.stats.restRequests++
    const url = new URL(req.url ?? "/", "http://127.0.0.1")
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers })
      res.end(JSON.stringify(body))
    }
    if ((this.faults.rest429 ?? 0) > this.stats.rest429) {
      this.stats.rest429++
      return reply(429, { code: -1003, msg: "Too many requests." }, { "retry-after": "1" })
    }
    if (url.pathname === "/api/v3/ticker/24hr") return this.ticker(url, reply)
    if (url.pathname === "/api/v3/exchangeInfo") return this.exchangeInfo(url, reply)
    if (url.pathname === "/api/v3/klines") return this.klines(url, reply)
    if (url.pathname !== "/api/v3/historicalTrades") return reply(404, { code: -1, msg: "Not found" })
    const symbol = url.searchParams.get("symbol") ?? ""
    const frames = this.bySymbol.get(symbol)
    if (frames === undefined) return reply(400, { code: -1121, msg: "Invalid symbol." })
    const limit = Math.min(1000, Number(url.searchParams.get("limit") ?? "500"))
    const fromId = Number(url.searchParams.get("fromId") ?? frames[0]!.trade.firstId)
    if (!Number.isSafeInteger(fromId) || !Number.isSafeInteger(limit) || limit < 1) return reply(400, { code: -1100, msg: "Illegal characters found in parameter." })
    const trades = frames
      .filter((f) => f.trade.firstId >= fromId)
      .slice(0, limit)
      .map(({ trade: t }) => ({
        id: t.firstId,
        price: formatUnits(t.price, PRICE_SCALE, 8),
        qty: formatUnits(t.qty, PRICE_SCALE, 8),
        quoteQty: formatUnits(t.price * t.qty, QUOTE_SCALE, 8),
        time: t.time,
        isBuyerMaker: t.buyerIsMaker,
        isBestMatch: true
      }))
    reply(200, trades, { "x-mbx-used-weight-1m": String(25 * this.stats.restRequests) })
  }

  /** Whether the market must wait before `next`: it starts the halt, and the halt has not been asked about twice. */
  private holdsForHalt(next: RecordedFrame): boolean {
    const halt = this.faults.halt
    if (halt === undefined || next.trade.time < halt.fromTime || this.haltAsks >= 2) return false
    if (this.haltAsks < 0) this.haltAsks = 0
    return true
  }

  /** The market's time: its next frame's trade time (the last frame's once all are sent). */
  private marketTime(): number {
    return this.frames[Math.min(this.head, this.frames.length - 1)]?.trade.time ?? 0
  }

  /** exchangeInfo for the asked symbols: the bundled excerpt's entries, each with its status now. */
  private exchangeInfo(url: URL, reply: (status: number, body: unknown) => void): void {
    const asked = Schema.decodeUnknownOption(TickerSymbols)(url.searchParams.get("symbols") ?? "")
    if (Option.isNone(asked)) return reply(400, { code: -1100, msg: "Illegal characters found in parameter 'symbols'." })
    if (asked.value.some((s) => !this.bySymbol.has(s))) return reply(400, { code: -1121, msg: "Invalid symbol." })
    const halt = this.faults.halt
    if (halt !== undefined && this.haltAsks >= 0 && this.haltAsks < 2 && ++this.haltAsks === 2) {
      for (const resume of this.waitingForHalt) resume()
      this.waitingForHalt.clear()
    }
    const time = this.marketTime()
    const halted = (symbol: string) => halt !== undefined && symbol === halt.symbol && time >= halt.fromTime && time < halt.toTime
    reply(200, {
      symbols: asked.value.map((symbol) => ({
        ...(BUNDLED_EXCHANGE_INFO.symbols.find((s) => s.symbol === symbol) ?? { symbol, baseAsset: "", quoteAsset: "", filters: [] }),
        status: halted(symbol) ? "BREAK" : "TRADING"
      }))
    })
  }

  /**
   * Klines of the recording's trades the market has reached, as Binance makes them: closed windows
   * only (Binance's still-open last row is left out), none for the minutes of a halt.
   */
  private klines(url: URL, reply: (status: number, body: unknown) => void): void {
    const symbol = url.searchParams.get("symbol") ?? ""
    const interval = Schema.decodeUnknownOption(Interval)(url.searchParams.get("interval"))
    const startTime = Number(url.searchParams.get("startTime") ?? "0")
    const endTime = Number(url.searchParams.get("endTime") ?? String(Number.MAX_SAFE_INTEGER))
    const frames = this.bySymbol.get(symbol)
    if (frames === undefined) return reply(400, { code: -1121, msg: "Invalid symbol." })
    if (Option.isNone(interval) || !Number.isSafeInteger(startTime) || !Number.isSafeInteger(endTime)) return reply(400, { code: -1100, msg: "Illegal characters found in a parameter." })
    const marketTime = this.marketTime()
    const engine = new CandleEngine({ intervals: [interval.value], graceMillis: 0 })
    const halt = this.faults.halt
    for (const { trade } of frames) if (trade.time < marketTime) engine.apply(trade)
    engine.advance(symbol, marketTime)
    const rows = engine.drain().flatMap((o) => {
      if (o._tag !== "CandleClosed" || o.candle.openTime < startTime || o.candle.openTime > endTime) return []
      const halted = halt !== undefined && halt.symbol === symbol && o.candle.trades === 0 && o.candle.openTime >= halt.fromTime && o.candle.openTime < halt.toTime
      return halted ? [] : [klineRow(o.candle)]
    })
    const limit = Number(url.searchParams.get("limit") ?? "500")
    if (!Number.isSafeInteger(limit) || limit < 1) return reply(400, { code: -1100, msg: "Illegal characters found in parameter 'limit'." })
    reply(200, rows.slice(0, Math.min(1000, limit)))
  }

  /** The 24 h ticker (MINI): each asked symbol's last trade id among the frames the market has reached. */
  private ticker(url: URL, reply: (status: number, body: unknown) => void): void {
    const asked = Schema.decodeUnknownOption(TickerSymbols)(url.searchParams.get("symbols") ?? "")
    if (Option.isNone(asked)) return reply(400, { code: -1100, msg: "Illegal characters found in parameter 'symbols'." })
    const lastIds = new Map<string, number>()
    for (let i = 0; i < this.head && i < this.frames.length; i++) {
      const t = this.frames[i]!.trade
      if (t.lastId > (lastIds.get(t.symbol) ?? -1)) lastIds.set(t.symbol, t.lastId)
    }
    // As Binance: one symbol it does not list refuses the whole request.
    if (asked.value.some((s) => !this.bySymbol.has(s))) return reply(400, { code: -1121, msg: "Invalid symbol." })
    reply(200, asked.value.map((symbol) => ({ symbol, lastId: lastIds.get(symbol) ?? -1 })))
  }
}

const TickerSymbols = Schema.fromJsonString(Schema.Array(Schema.String))

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
