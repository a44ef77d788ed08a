/**
 * A recording of Binance's combined trade stream, loaded for replay: each frame's text exactly as
 * recorded, with what the replay server needs to route and pace it.
 */
import { readFileSync } from "node:fs"
import { gunzipSync } from "node:zlib"
import { Schema } from "effect"
import { decodeFrame } from "@blockchaincore/binance/stream/FrameDecoder"
import type { Trade } from "@blockchaincore/core/trade/Trade"

export interface RecordedFrame {
  /** The frame as recorded, combined-stream envelope included. */
  readonly text: string
  /** The stream it belongs to, e.g. "btcusdt@trade". */
  readonly stream: string
  readonly trade: Trade
}

const Envelope = Schema.Struct({ stream: Schema.String })
const decodeEnvelope = Schema.decodeUnknownSync(Schema.fromJsonString(Envelope))

export class RecordingError extends Schema.TaggedError<RecordingError>()("RecordingError", {
  path: Schema.String,
  line: Schema.Int,
  message: Schema.String
}) {}

/** Reads a recording (gzipped or not). A line that is not a trade frame is an error: a recording to replay must be clean. */
export const loadRecording = (path: string): Array<RecordedFrame> => {
  const bytes = readFileSync(path)
  const text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString("utf8")
  const frames: Array<RecordedFrame> = []
  text.split("\n").forEach((line, i) => {
    if (line.trim().length === 0) return
    const decoded = decodeFrame(line)
    if (decoded._tag !== "Trade") {
      throw new RecordingError({ path, line: i + 1, message: decoded._tag === "Invalid" ? decoded.message : "not a trade frame" })
    }
    frames.push({ text: line, stream: decodeEnvelope(line).stream, trade: decoded.trade })
  })
  return frames
}

/**
 * The recording as it would be had `symbol` been halted from `fromTime` to `toTime` (trade time):
 * its trades in that span never happen, and its later trades' ids follow on without a jump, as
 * Binance's do after a halt.
 */
export const haltedRecording = (frames: ReadonlyArray<RecordedFrame>, symbol: string, fromTime: number, toTime: number): Array<RecordedFrame> => {
  let removed = 0
  const out: Array<RecordedFrame> = []
  for (const frame of frames) {
    const t = frame.trade
    if (t.symbol !== symbol) out.push(frame)
    else if (t.time >= fromTime && t.time < toTime) removed++
    else if (removed === 0) out.push(frame)
    else {
      const id = t.firstId - removed
      out.push({ ...frame, text: frame.text.replace(`"t":${t.firstId},`, `"t":${id},`), trade: { ...t, firstId: id, lastId: id } })
    }
  }
  return out
}
