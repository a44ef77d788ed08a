/**
 * The real Binance data in ../shared/data (beside the project root). A user's own clone may not
 * have it: then the tests that read it are reported as skipped, never as passed.
 */
import { existsSync, readFileSync } from "node:fs"
import { resolve } from "node:path"
import { gunzipSync } from "node:zlib"
import { describe } from "vitest"

export const SHARED_DATA = resolve(import.meta.dirname, "../../../../../shared/data")

export const hasSharedData = existsSync(SHARED_DATA)

/** `describe` when ../shared/data is there, a visibly skipped `describe` when it is not. */
export const describeWithSharedData = (name: string, body: () => void) =>
  hasSharedData ? describe(name, body) : describe.skip(`${name} (skipped: ${SHARED_DATA} is absent)`, body)

export const sharedFile = (name: string): string => resolve(SHARED_DATA, name)

export const RECORDING = "binance-spot-trade-stream-BTCUSDT-ETHUSDT-20240808T2354Z.ndjson.gz"

/** The recording's frames, one string each, in receive order. */
export const recordingFrames = (): Array<string> =>
  gunzipSync(readFileSync(sharedFile(RECORDING))).toString("utf8").split("\n").filter((l) => l.length > 0)

/** A CSV file's rows as fields. */
export const csvRows = (name: string): Array<Array<string>> =>
  readFileSync(sharedFile(name), "utf8").split("\n").filter((l) => l.length > 0).map((l) => l.split(","))
