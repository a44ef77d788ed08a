/**
 * `node scripts/bench/framedStreamServer.ts FILE`: a WebSocket server for the producer's bench,
 * in a process of its own, that costs next to nothing per frame: the lines of FILE a connection
 * asks for (the streams its URL names) are framed once into one buffer, and it gets the handshake and that buffer
 * in large writes as fast as the socket takes them. So the producer, not the server, sets the
 * pace (the project's replay server sends frame by frame through ws and is the slower side).
 * With a rate (`FILE RATE`, frames a second) it paces instead, 50 ms at a time, for a steady state.
 * Prints `ws://127.0.0.1:PORT` when listening.
 */
import { readFileSync } from "node:fs"
import { createServer, type IncomingMessage } from "node:http"
import type { Socket } from "node:net"
import { handshakeAnswerForKey, textFrame } from "@blockchaincore/testkit/rawWebSocketServer"

const CHUNK = 1 << 20

const lines = readFileSync(process.argv[2] ?? "", "utf8")
  .split("\n")
  .filter((l) => l.length > 0)
// Framed once at start, so a connection costs a filter and a copy, not a framing of every line.
const streams = lines.map((line) => /^\{"stream":"([^"]+)"/.exec(line)?.[1] ?? "")
const allFrames = lines.map(textFrame)
const allFramed = Buffer.concat(allFrames)
const everyStream = new Set(streams)
/**
 * Each connection gets the frames of the streams its URL names (SUBSCRIBEd ones get nothing); a
 * connection naming every stream of the file gets the buffer framed at start, so that the
 * server's work for it (hundreds of milliseconds for a large file) is not in the measured time.
 */
const framedFor = (url: string): { readonly frames: Array<Buffer>; readonly framed: Buffer } => {
  const named = new Set(new URL(url, "http://127.0.0.1").searchParams.get("streams")?.split("/") ?? [])
  if ([...everyStream].every((s) => named.has(s))) return { frames: allFrames, framed: allFramed }
  const frames = allFrames.filter((_, i) => named.has(streams[i]!))
  return { frames, framed: Buffer.concat(frames) }
}
const rate = Number(process.argv[3] ?? "0")

const server = createServer((_req, res) => {
  res.writeHead(404)
  res.end()
})
server.on("upgrade", (request: IncomingMessage, socket: Socket) => {
  socket.on("error", () => socket.destroy())
  socket.on("data", () => {})
  socket.write(handshakeAnswerForKey(request.headers["sec-websocket-key"] ?? ""))
  const { frames, framed } = framedFor(request.url ?? "/")
  if (rate > 0) {
    let next = 0
    const perTick = Math.max(1, Math.round(rate / 20))
    const tick = setInterval(() => {
      if (socket.destroyed || next >= frames.length) return void clearInterval(tick)
      socket.write(Buffer.concat(frames.slice(next, next + perTick)))
      next += perTick
    }, 50)
    return
  }
  let at = 0
  const pump = () => {
    while (at < framed.length) {
      const end = Math.min(framed.length, at + CHUNK)
      const more = socket.write(framed.subarray(at, end))
      at = end
      if (!more) return void socket.once("drain", pump)
    }
  }
  pump()
})
server.listen(0, "127.0.0.1", () => {
  const address = server.address()
  if (address !== null && typeof address !== "string") process.stdout.write(`ws://127.0.0.1:${address.port}\n`)
})
process.on("SIGINT", () => process.exit(0))
