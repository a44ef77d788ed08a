/**
 * An HTTP peer on loopback that answers as plain HTTP/1.0 servers do, written on a raw socket so
 * that it can also misbehave the ways real peers do:
 * - `answer`: the whole response (status line `HTTP/1.0`, `Connection: close`, the body) in one
 *   write, then FIN at once, whatever the client has read so far;
 * - `finMidBody`: the head promises the whole body, half of it is sent, then FIN;
 * - `silent`: the request is read and never answered (the socket stays open until `close`).
 * `route` decides per request; every request's method, path and headers are kept.
 */
import { createServer, type Socket } from "node:net"
import type { AddressInfo } from "node:net"

type PeerBehaviour = "answer" | "finMidBody" | "silent"

export interface PeerAnswer {
  readonly status: number
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: Uint8Array | string
  readonly behaviour?: PeerBehaviour
}

export interface PeerRequest {
  readonly method: string
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

export interface Http10Peer {
  readonly url: string
  readonly requests: Array<PeerRequest>
  readonly close: () => Promise<void>
}

const REASONS: Readonly<Record<number, string>> = {
  200: "OK",
  302: "Found",
  206: "Partial Content",
  404: "Not Found",
  416: "Range Not Satisfiable",
  429: "Too Many Requests",
  451: "Unavailable For Legal Reasons",
  500: "Internal Server Error"
}

/** Head and body of one request, once all of it (by Content-Length) has arrived. */
const parseRequest = (bytes: Buffer): PeerRequest | undefined => {
  const end = bytes.indexOf("\r\n\r\n")
  if (end < 0) return undefined
  const [line = "", ...fields] = bytes.subarray(0, end).toString("latin1").split("\r\n")
  const headers: Record<string, string> = {}
  for (const field of fields) {
    const colon = field.indexOf(":")
    if (colon > 0) headers[field.slice(0, colon).trim().toLowerCase()] = field.slice(colon + 1).trim()
  }
  const length = Number(headers["content-length"] ?? "0")
  if (bytes.length < end + 4 + length) return undefined
  const [method = "", target = "/"] = line.split(" ")
  return { method, path: decodeURIComponent(target), headers, body: bytes.subarray(end + 4, end + 4 + length).toString("utf8") }
}

export const startHttp10Peer = async (route: (request: PeerRequest) => PeerAnswer): Promise<Http10Peer> => {
  const requests: Array<PeerRequest> = []
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on("close", () => sockets.delete(socket))
    socket.on("error", () => socket.destroy())
    let received = Buffer.alloc(0)
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
      const request = parseRequest(received)
      if (request === undefined) return
      socket.off("data", onData)
      requests.push(request)
      const answer = route(request)
      if (answer.behaviour === "silent") return
      const body = typeof answer.body === "string" ? Buffer.from(answer.body) : Buffer.from(answer.body ?? new Uint8Array())
      const head = [
        `HTTP/1.0 ${answer.status} ${REASONS[answer.status] ?? "Status"}`,
        "Connection: close",
        `Content-Length: ${body.length}`,
        ...Object.entries(answer.headers ?? {}).map(([k, v]) => `${k}: ${v}`)
      ]
      const sent = answer.behaviour === "finMidBody" ? body.subarray(0, Math.floor(body.length / 2)) : body
      // One write, then FIN: the client may not have read a byte of it yet.
      socket.end(Buffer.concat([Buffer.from(`${head.join("\r\n")}\r\n\r\n`, "latin1"), sent]))
    }
    socket.on("data", onData)
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      })
  }
}
