/**
 * A WebSocket server written at the byte level, on 127.0.0.1, for sending what the network can
 * send and a polite server never does: the 101 response and frames in one write, a frame split
 * into single-byte segments, invalid frames, a close in the middle of the handshake, silence.
 * The test decides what each connection gets; the client's frames (masked) can be read back.
 */
import { createHash } from "node:crypto"
import { createServer, type Server, type Socket } from "node:net"

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

/** A server-to-client frame (unmasked). */
export const frame = (opcode: number, payload: Buffer | string): Buffer => {
  const body = typeof payload === "string" ? Buffer.from(payload) : payload
  const head =
    body.length < 126
      ? Buffer.from([0x80 | opcode, body.length])
      : body.length < 65_536
        ? Buffer.from([0x80 | opcode, 126, body.length >> 8, body.length & 0xff])
        : (() => {
            const h = Buffer.alloc(10)
            h[0] = 0x80 | opcode
            h[1] = 127
            h.writeBigUInt64BE(BigInt(body.length), 2)
            return h
          })()
  return Buffer.concat([head, body])
}
export const textFrame = (text: string) => frame(0x1, text)
export const pingFrame = (payload: string) => frame(0x9, payload)

/** The 101 answer to a client's `Sec-WebSocket-Key`. */
export const handshakeAnswerForKey = (key: string): Buffer => {
  const accept = createHash("sha1")
    .update(key + GUID)
    .digest("base64")
  return Buffer.from(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`)
}

/** The 101 answer to a handshake request, as its raw text. */
export const handshakeAnswer = (request: string): Buffer => handshakeAnswerForKey(/Sec-WebSocket-Key: *(\S+)/i.exec(request)?.[1] ?? "")

/** Client frames read from `bytes` (masked, as a client must send them): opcode and payload. */
export const clientFrames = (bytes: Buffer): Array<{ readonly opcode: number; readonly payload: Buffer }> => {
  const out: Array<{ opcode: number; payload: Buffer }> = []
  let at = 0
  while (at + 2 <= bytes.length) {
    const opcode = bytes[at]! & 0x0f
    let length = bytes[at + 1]! & 0x7f
    let offset = at + 2
    if (length === 126) {
      length = bytes.readUInt16BE(offset)
      offset += 2
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(offset))
      offset += 8
    }
    const mask = bytes.subarray(offset, offset + 4)
    offset += 4
    if (offset + length > bytes.length) break
    const payload = Buffer.from(bytes.subarray(offset, offset + length).map((b, i) => b ^ mask[i % 4]!))
    out.push({ opcode, payload })
    at = offset + length
  }
  return out
}

/** Each accepted connection: its socket, the handshake request, and what the client sent after it. */
export interface RawConnection {
  readonly socket: Socket
  readonly request: string
  readonly fromClient: () => Buffer
}

export const startRawServer = async (onHandshake: (connection: RawConnection) => void) => {
  const sockets = new Set<Socket>()
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.on("close", () => sockets.delete(socket))
    socket.on("error", () => socket.destroy())
    let request = ""
    let after: Array<Buffer> = []
    let shaken = false
    socket.on("data", (chunk: Buffer) => {
      if (shaken) {
        after.push(chunk)
        return
      }
      request += chunk.toString("latin1")
      const end = request.indexOf("\r\n\r\n")
      if (end < 0) return
      shaken = true
      const rest = Buffer.from(request.slice(end + 4), "latin1")
      if (rest.length > 0) after.push(rest)
      onHandshake({ socket, request: request.slice(0, end), fromClient: () => (after = [Buffer.concat(after)])[0]! })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const address = server.address()
  if (address === null || typeof address === "string") throw new Error("no port")
  return {
    url: `ws://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      })
  }
}
