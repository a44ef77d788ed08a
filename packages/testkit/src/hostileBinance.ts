/**
 * A Binance-protocol server written apart from the project's replay server, so that the producer
 * meets one it was never tuned against: WebSocket by hand on the HTTP server's `upgrade` (the 101
 * and the first frames in one write), and `historicalTrades` from the recording's own strings.
 * It misbehaves all at once: it duplicates frames, withholds some (REST has them), corrupts
 * others, drops the connection once (the market moves on meanwhile), announces `serverShutdown`
 * once and keeps talking on the old connection for a while, and answers the first REST requests
 * with 429. Every trade of the recording is reachable by stream or REST.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { Socket } from "node:net"
import type { RecordedFrame } from "@blockchaincore/replay/Recording"
import { handshakeAnswerForKey, textFrame } from "./rawWebSocketServer.ts"

interface HostileFaults {
  readonly duplicateEvery: number
  readonly withholdEvery: number
  readonly corruptEvery: number
  /** Frame index at which the connection is cut, and how many frames the market moves on meanwhile. */
  readonly dropAt: number
  readonly missedOnDrop: number
  /** Frame index at which serverShutdown is announced; the old connection goes on for `lingerFrames`. */
  readonly shutdownAt: number
  readonly lingerFrames: number
  readonly rest429: number
}

const HOSTILE: HostileFaults = {
  duplicateEvery: 997,
  withholdEvery: 1_499,
  corruptEvery: 2_003,
  dropAt: 8_000,
  missedOnDrop: 40,
  shutdownAt: 15_000,
  lingerFrames: 300,
  rest429: 2
}

export const startHostileBinance = async (frames: ReadonlyArray<RecordedFrame>, faults: HostileFaults = HOSTILE) => {
  const stats = { connections: 0, duplicated: 0, withheld: 0, corrupted: 0, rest: 0, rest429: 0 }
  let cursor = 0
  const live = new Set<Socket>()

  const rest = (req: IncomingMessage, res: ServerResponse) => {
    stats.rest++
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers })
      res.end(JSON.stringify(body))
    }
    if (stats.rest429 < faults.rest429) {
      stats.rest429++
      return reply(429, { code: -1003, msg: "Too much request weight used." }, { "retry-after": "1" })
    }
    const url = new URL(req.url ?? "/", "http://127.0.0.1")
    if (url.pathname !== "/api/v3/historicalTrades") return reply(404, { code: -1, msg: "not here" })
    const symbol = url.searchParams.get("symbol") ?? ""
    const fromId = Number(url.searchParams.get("fromId") ?? "0")
    const limit = Math.min(1_000, Number(url.searchParams.get("limit") ?? "500"))
    const rows = frames
      .filter((f) => f.trade.symbol === symbol && f.trade.firstId >= fromId)
      .slice(0, limit)
      .map((f) => {
        // The recording's own strings, as Binance sent them.
        const data = JSON.parse(f.text).data
        return { id: data.t, price: data.p, qty: data.q, quoteQty: "0", time: data.T, isBuyerMaker: data.m, isBestMatch: true }
      })
    reply(200, rows, { "x-mbx-used-weight-1m": "25" })
  }

  const stream = (socket: Socket, request: IncomingMessage) => {
    stats.connections++
    live.add(socket)
    socket.on("close", () => live.delete(socket))
    socket.on("error", () => socket.destroy())
    socket.on("data", () => {}) // the client's pongs and control frames are of no interest
    const key = request.headers["sec-websocket-key"] ?? ""
    let lingering = -1
    let first = true
    const pump = () => {
      if (socket.destroyed) return
      const chunks: Array<Buffer> = first ? [handshakeAnswerForKey(key)] : []
      first = false
      for (let n = 0; n < 200 && cursor < frames.length; n++) {
        if (lingering === 0) {
          socket.end(Buffer.from([0x88, 0x00]))
          return
        }
        if (lingering > 0) lingering--
        const i = cursor++
        if (i === faults.dropAt) {
          cursor += faults.missedOnDrop
          socket.write(Buffer.concat(chunks))
          socket.destroy()
          return
        }
        if (i === faults.shutdownAt && lingering < 0) {
          chunks.push(textFrame(JSON.stringify({ e: "serverShutdown", E: frames[i]!.trade.time })))
          lingering = faults.lingerFrames
        }
        if (i > 0 && i % faults.withholdEvery === 0) {
          stats.withheld++
          continue
        }
        if (i > 0 && i % faults.corruptEvery === 0) {
          stats.corrupted++
          chunks.push(textFrame(i % 2 === 0 ? '{"stream":"btcusdt@trade","data":{"e":"trade","s":"BTCUSDT","t":"x"}}' : "\u0000garbage\ufffd"))
        }
        chunks.push(textFrame(frames[i]!.text))
        if (i > 0 && i % faults.duplicateEvery === 0) {
          stats.duplicated++
          chunks.push(textFrame(frames[i]!.text))
        }
      }
      if (chunks.length > 0 && !socket.write(Buffer.concat(chunks))) socket.once("drain", () => setImmediate(pump))
      else if (cursor < frames.length) setImmediate(pump)
    }
    pump()
  }

  const server = createServer(rest)
  server.on("upgrade", (request: IncomingMessage, socket: Socket) => stream(socket, request))
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const address = server.address()
  if (address === null || typeof address === "string") throw new Error("no port")
  return {
    port: address.port,
    stats,
    sentAll: () => cursor >= frames.length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of live) s.destroy()
        server.close(() => resolve())
      })
  }
}
