/**
 * One buffer reused for encodings that are copied as soon as they are made (into SQLite, say). A
 * fresh ArrayBuffer per batch is memory outside V8's heap, and enough of it makes V8 run full
 * collections: with one per batch, garbage collection took a quarter of the pipeline's time.
 */
export class Scratch {
  private buffer = new ArrayBuffer(64 * 1024)

  /** `size` bytes, valid until the next call; the buffer grows to fit. */
  bytes(size: number): Uint8Array {
    if (size > this.buffer.byteLength) this.buffer = new ArrayBuffer(Math.max(size, 2 * this.buffer.byteLength))
    return new Uint8Array(this.buffer, 0, size)
  }
}

/** For callers that keep what they encode: a fresh buffer every time. */
export const freshBytes: Pick<Scratch, "bytes"> = { bytes: (size) => new Uint8Array(size) }
