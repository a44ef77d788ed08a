/**
 * The lines of a file, gzipped or not (told by its first two bytes, not its name), as a stream
 * of the lines of each chunk read: a day of raw trades is gigabytes, so nothing here holds more
 * than a chunk at a time, and a consumer handles a chunk's lines in one loop rather than paying
 * for a stream element per line. Gunzipping runs on libuv's thread pool, beside the consumer.
 */
import { open } from "node:fs/promises"
import { pipeline } from "node:stream"
import { createGunzip } from "node:zlib"
import { Schema, Stream } from "effect"
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"
import { lineChunks } from "@blockchaincore/adapters/chunks/lineChunks"
import { textChunks } from "@blockchaincore/adapters/chunks/textChunks"

export class InputFileError extends Schema.TaggedError<InputFileError>()("InputFileError", {
  path: Schema.String,
  message: Schema.String
}) {}

const GZIP_MAGIC = [0x1f, 0x8b]
/** Decompressed bytes per chunk: large enough that per-chunk costs vanish, small enough to stay in cache. */
const CHUNK_BYTES = 256 * 1024

async function* linesOf(path: string): AsyncGenerator<ReadonlyArray<string>> {
  const handle = await open(path, "r")
  try {
    const head = Buffer.alloc(2)
    const { bytesRead } = await handle.read(head, 0, 2, 0)
    const raw = handle.createReadStream({ start: 0, autoClose: false })
    const gzipped = bytesRead === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1]
    // pipeline() carries an error of either stream to the one we read from.
    const source = gzipped ? pipeline(raw, createGunzip({ chunkSize: CHUNK_BYTES }), () => {}) : raw
    yield* lineChunks(textChunks(source))
  } finally {
    await handle.close()
  }
}

export const fileLines = (path: string): Stream.Stream<ReadonlyArray<string>, InputFileError> =>
  Stream.fromAsyncIterable(linesOf(path), (cause) => new InputFileError({ path, message: errorMessage(cause) }))
