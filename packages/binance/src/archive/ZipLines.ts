/**
 * The lines of the one CSV inside a public-archive zip, streamed: a month of a busy symbol's
 * trades is gigabytes unzipped, so the entry is inflated as it is read and only a chunk of lines
 * is held at a time. The entry is found through the central directory (its sizes are there even
 * when the local header defers them), with ZIP64 sizes and offsets for entries beyond 4 GiB.
 */
import { open } from "node:fs/promises"
import { pipeline } from "node:stream"
import { createInflateRaw } from "node:zlib"
import { Schema, Stream } from "effect"
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"
import { lineChunks } from "@blockchaincore/adapters/chunks/lineChunks"
import { textChunks } from "@blockchaincore/adapters/chunks/textChunks"

export class ZipError extends Schema.TaggedError<ZipError>()("ZipError", {
  path: Schema.String,
  message: Schema.String
}) {}

interface Entry {
  readonly name: string
  readonly method: number
  readonly compressedSize: number
  readonly dataStart: number
}

const EOCD = 0x06054b50
const ZIP64_EOCD_LOCATOR = 0x07064b50
const ZIP64_EOCD = 0x06064b50
const CENTRAL = 0x02014b50
const LOCAL = 0x04034b50
const STORED = 0
const DEFLATED = 8
const MAX_COMMENT = 65_535

const read = async (handle: Awaited<ReturnType<typeof open>>, position: number, length: number) => {
  const buffer = Buffer.alloc(length)
  const { bytesRead } = await handle.read(buffer, 0, length, position)
  return buffer.subarray(0, bytesRead)
}

/** The zip's first entry: where its data starts, how long it is and how it is compressed. */
const firstEntry = async (path: string): Promise<Entry> => {
  const handle = await open(path, "r")
  try {
    const size = (await handle.stat()).size
    const tailStart = Math.max(0, size - (22 + MAX_COMMENT))
    const tail = await read(handle, tailStart, size - tailStart)
    let at = -1
    for (let i = tail.length - 22; i >= 0; i--)
      if (tail.readUInt32LE(i) === EOCD) {
        at = i
        break
      }
    if (at < 0) throw new Error("no end of central directory: not a zip, or cut short")
    let entries = tail.readUInt16LE(at + 10)
    let directory = tail.readUInt32LE(at + 16)
    if (directory === 0xffffffff || entries === 0xffff) {
      const locator = at - 20
      if (locator < 0 || tail.readUInt32LE(locator) !== ZIP64_EOCD_LOCATOR) throw new Error("a ZIP64 archive without its locator")
      const record = await read(handle, Number(tail.readBigUInt64LE(locator + 8)), 56)
      if (record.readUInt32LE(0) !== ZIP64_EOCD) throw new Error("a ZIP64 archive without its end record")
      entries = Number(record.readBigUInt64LE(32))
      directory = Number(record.readBigUInt64LE(48))
    }
    if (entries < 1) throw new Error("an empty zip")
    const header = await read(handle, directory, 46)
    if (header.length < 46 || header.readUInt32LE(0) !== CENTRAL) throw new Error("no central directory entry where the zip says")
    const method = header.readUInt16LE(10)
    let compressedSize = header.readUInt32LE(20)
    let uncompressedSize = header.readUInt32LE(24)
    const nameLength = header.readUInt16LE(28)
    const extraLength = header.readUInt16LE(30)
    let localOffset = header.readUInt32LE(42)
    const variable = await read(handle, directory + 46, nameLength + extraLength)
    const name = variable.subarray(0, nameLength).toString("utf8")
    // ZIP64 extended information: the 64-bit values of the fields that are 0xffffffff, in order.
    for (let i = nameLength; i + 4 <= variable.length; ) {
      const id = variable.readUInt16LE(i)
      const length = variable.readUInt16LE(i + 2)
      if (id === 0x0001) {
        let field = i + 4
        if (uncompressedSize === 0xffffffff) {
          uncompressedSize = Number(variable.readBigUInt64LE(field))
          field += 8
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = Number(variable.readBigUInt64LE(field))
          field += 8
        }
        if (localOffset === 0xffffffff) localOffset = Number(variable.readBigUInt64LE(field))
      }
      i += 4 + length
    }
    const local = await read(handle, localOffset, 30)
    if (local.length < 30 || local.readUInt32LE(0) !== LOCAL) throw new Error("no local header where the central directory says")
    const dataStart = localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28)
    if (method !== STORED && method !== DEFLATED) throw new Error(`${name} is compressed with method ${method}, neither stored nor deflated`)
    if (dataStart + compressedSize > size) throw new Error(`${name} runs past the end of the zip`)
    return { name, method, compressedSize, dataStart }
  } finally {
    await handle.close()
  }
}

async function* linesOf(path: string): AsyncGenerator<ReadonlyArray<string>> {
  const entry = await firstEntry(path)
  const handle = await open(path, "r")
  try {
    if (entry.compressedSize === 0) return
    const raw = handle.createReadStream({ start: entry.dataStart, end: entry.dataStart + entry.compressedSize - 1, autoClose: false })
    // pipeline() carries an error of either stream to the one read from.
    const source = entry.method === DEFLATED ? pipeline(raw, createInflateRaw({ chunkSize: 256 * 1024 }), () => {}) : raw
    yield* lineChunks(textChunks(source))
  } finally {
    await handle.close()
  }
}

/** The zip's entry, line by line, chunk by chunk. */
export const zipLines = (path: string): Stream.Stream<ReadonlyArray<string>, ZipError> =>
  Stream.fromAsyncIterable(linesOf(path), (cause) => new ZipError({ path, message: errorMessage(cause) }))
