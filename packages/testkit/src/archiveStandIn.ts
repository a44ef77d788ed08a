/**
 * A stand-in for Binance's public data archive on loopback: zips with one CSV each and their
 * `.CHECKSUM` files under the archive's own paths, 404 for anything else, and on request the
 * faults a real download meets: a connection cut mid-file, a file whose bytes do not match its
 * checksum (for some tries, or always). It answers Range requests as S3 does.
 */
import { createHash } from "node:crypto"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { crc32, deflateRawSync } from "node:zlib"
import { formatUnits, PRICE_SCALE } from "@blockchaincore/core/decimal/Decimal"
import { startHttp10Peer } from "./http10Peer.ts"
import type { Trade } from "@blockchaincore/core/trade/Trade"
import { utcDayOf } from "@blockchaincore/core/time/UtcTime"

/** The archive's path of a daily file. */
export const dailyPath = (kind: string, symbol: string, day: string) => `data/spot/daily/${kind}/${symbol}/${symbol}-${kind}-${day}.zip`

/** Trades as the archive's raw trades files, per symbol and UTC day; `alter` may change one trade's quantity. */
export const rawTradeFiles = (
  trades: ReadonlyArray<Trade>,
  alter?: { readonly symbol: string; readonly id: number; readonly qty: string }
): Map<string, string> => {
  const files = new Map<string, Array<string>>()
  for (const t of trades) {
    const path = dailyPath("trades", t.symbol, utcDayOf(t.time))
    const qty = alter?.symbol === t.symbol && alter.id === t.firstId ? alter.qty : formatUnits(t.qty, PRICE_SCALE, 8)
    const quote = formatUnits(t.price * t.qty, 2 * PRICE_SCALE, 8)
    const lines = files.get(path) ?? []
    lines.push(`${t.firstId},${formatUnits(t.price, PRICE_SCALE, 8)},${qty},${quote},${t.time},${t.buyerIsMaker ? "True" : "False"},True`)
    files.set(path, lines)
  }
  return new Map([...files].map(([path, lines]) => [path, `${lines.join("\n")}\n`]))
}

/** A zip holding `name` with `text`, deflated, as Binance's files are. */
export const zipOf = (name: string, text: string): Buffer => {
  const data = Buffer.from(text, "utf8")
  const deflated = deflateRawSync(data)
  const nameBytes = Buffer.from(name, "utf8")
  const crc = crc32(data)
  const local = Buffer.alloc(30)
  local.writeUInt32LE(0x04034b50, 0)
  local.writeUInt16LE(20, 4)
  local.writeUInt16LE(8, 8)
  local.writeUInt32LE(crc, 14)
  local.writeUInt32LE(deflated.length, 18)
  local.writeUInt32LE(data.length, 22)
  local.writeUInt16LE(nameBytes.length, 26)
  const central = Buffer.alloc(46)
  central.writeUInt32LE(0x02014b50, 0)
  central.writeUInt16LE(20, 4)
  central.writeUInt16LE(20, 6)
  central.writeUInt16LE(8, 10)
  central.writeUInt32LE(crc, 16)
  central.writeUInt32LE(deflated.length, 20)
  central.writeUInt32LE(data.length, 24)
  central.writeUInt16LE(nameBytes.length, 28)
  central.writeUInt32LE(0, 42)
  const directoryAt = local.length + nameBytes.length + deflated.length
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(1, 8)
  end.writeUInt16LE(1, 10)
  end.writeUInt32LE(central.length + nameBytes.length, 12)
  end.writeUInt32LE(directoryAt, 16)
  return Buffer.concat([local, nameBytes, deflated, central, nameBytes, end])
}

export interface ArchiveFault {
  /** Cut the connection after this many bytes, on the first request for the file. */
  readonly cutAfter?: number
  /** Serve altered bytes for this many requests (Infinity: always). */
  readonly corruptTimes?: number
  /** Send this many bytes on the first request, then nothing more, the connection left open. */
  readonly stallAfter?: number
}

export interface PublicArchiveServer {
  readonly url: string
  /** Requests seen, by path, in order. */
  readonly requests: Array<string>
  readonly close: () => Promise<void>
}

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex")

/**
 * Serves each `files` entry (path below the base URL → CSV text) as a zip with its CHECKSUM;
 * `faults` by path. With `http10`, it answers as a static HTTP/1.0 file server does (each answer
 * in one write, then the connection closed), and `faults` are not used.
 */
export const startPublicArchive = async (
  files: ReadonlyMap<string, string>,
  faults: ReadonlyMap<string, ArchiveFault> = new Map(),
  options: { readonly http10?: boolean } = {}
): Promise<PublicArchiveServer> => {
  const zips = new Map(
    [...files].map(([path, text]) => [
      path,
      zipOf(
        path
          .split("/")
          .at(-1)!
          .replace(/\.zip$/, ".csv"),
        text
      )
    ])
  )
  if (options.http10 === true) return startStaticHttp10Archive(zips)
  const served = new Map<string, number>()
  const requests: Array<string> = []
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? "/").split("?")[0]!.slice(1))
    requests.push(path)
    if (path.endsWith(".CHECKSUM")) {
      const zip = zips.get(path.slice(0, -".CHECKSUM".length))
      if (zip === undefined) return void res.writeHead(404).end()
      return void res.writeHead(200, { "content-type": "text/plain" }).end(`${sha256(zip)}  ${path.split("/").at(-1)!.slice(0, -".CHECKSUM".length)}\n`)
    }
    const zip = zips.get(path)
    if (zip === undefined) return void res.writeHead(404).end()
    const n = (served.get(path) ?? 0) + 1
    served.set(path, n)
    const fault = faults.get(path) ?? {}
    let body = zip
    if (n <= (fault.corruptTimes ?? 0)) {
      body = Buffer.from(zip)
      body[Math.floor(body.length / 2)] = body[Math.floor(body.length / 2)]! ^ 0xff
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? "")
    const start = range === null ? 0 : Number(range[1])
    if (start >= body.length) return void res.writeHead(416).end()
    const part = body.subarray(start)
    res.writeHead(range === null ? 200 : 206, {
      "content-length": part.length,
      ...(range === null ? {} : { "content-range": `bytes ${start}-${body.length - 1}/${body.length}` })
    })
    if (n === 1 && fault.stallAfter !== undefined) {
      res.write(part.subarray(0, fault.stallAfter))
      return
    }
    if (n === 1 && fault.cutAfter !== undefined) {
      // Half the file, then the connection goes away, as a flaky network does.
      res.write(part.subarray(0, fault.cutAfter), () => res.destroy())
      return
    }
    res.end(part)
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

/** The archive as a static HTTP/1.0 server: CHECKSUMs, whole files and Range requests, each connection closed after its answer. */
const startStaticHttp10Archive = async (zips: ReadonlyMap<string, Buffer>): Promise<PublicArchiveServer> => {
  const requests: Array<string> = []
  const peer = await startHttp10Peer((request) => {
    const path = request.path.split("?")[0]!.slice(1)
    requests.push(path)
    if (path.endsWith(".CHECKSUM")) {
      const zip = zips.get(path.slice(0, -".CHECKSUM".length))
      return zip === undefined ? { status: 404 } : { status: 200, body: `${sha256(zip)}  ${path.split("/").at(-1)!.slice(0, -".CHECKSUM".length)}\n` }
    }
    const zip = zips.get(path)
    if (zip === undefined) return { status: 404 }
    const start = Number(/^bytes=(\d+)-$/.exec(request.headers["range"] ?? "")?.[1] ?? "0")
    if (start >= zip.length) return { status: 416 }
    return start === 0
      ? { status: 200, headers: { "content-type": "application/zip" }, body: zip }
      : { status: 206, headers: { "content-range": `bytes ${start}-${zip.length - 1}/${zip.length}` }, body: zip.subarray(start) }
  })
  return { url: peer.url, requests, close: peer.close }
}
