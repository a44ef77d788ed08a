/**
 * Requests as bytes on a loopback TCP socket, so that a test can send what no HTTP client would
 * (bad methods, unescaped paths, injected headers, garbage): the answer's status line, or none
 * if the server closed without one. Every socket is destroyed after `limitMillis`, answered or not.
 */
import { connect } from "node:net"

interface RawAnswer {
  /** The status code, or undefined when the server closed (or the limit came) before a status line. */
  readonly status: number | undefined
  readonly head: string
  readonly body: string
}

export const sendRaw = (port: number, bytes: Uint8Array | string, limitMillis = 2_000): Promise<RawAnswer> =>
  new Promise((resolve) => {
    const chunks: Array<Buffer> = []
    const socket = connect({ port, host: "127.0.0.1" })
    const finish = () => {
      clearTimeout(limit)
      socket.destroy()
      const text = Buffer.concat(chunks).toString("latin1")
      const cut = text.indexOf("\r\n\r\n")
      const head = cut < 0 ? text : text.slice(0, cut)
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1]
      resolve({ status: status === undefined ? undefined : Number(status), head, body: cut < 0 ? "" : text.slice(cut + 4) })
    }
    const limit = setTimeout(finish, limitMillis)
    socket.on("data", (d) => chunks.push(d))
    socket.on("error", finish)
    socket.on("close", finish)
    socket.on("connect", () => socket.end(bytes))
  })

/** A request line, headers and body as HTTP/1.1 text, closing the connection after the answer. */
export const rawRequest = (method: string, target: string, headers: ReadonlyArray<readonly [string, string]>, body: string): string =>
  `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join("")}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
