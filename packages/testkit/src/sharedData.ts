/**
 * The real Binance data the tests read, kept in the repository (packages/testkit/data, under
 * 1 MB; its README says where each file comes from). Were it missing, the tests that read it
 * would fail under CI=true (a CI run must never pass on tests that did not run) and be reported
 * as skipped elsewhere, never as passed.
 */
import { existsSync, readFileSync } from "node:fs"
import { resolve } from "node:path"
import { gunzipSync } from "node:zlib"
import { describe } from "vitest"

const SHARED_DATA = resolve(import.meta.dirname, "../data")

export const hasSharedData = existsSync(SHARED_DATA)

if (!hasSharedData && process.env["CI"] === "true")
  throw new Error(`the tests' real data is missing: ${SHARED_DATA} (CI=true: refusing to skip the tests that read it)`)

/** `describe` when the data is there, a visibly skipped `describe` when it is not. */
export const describeWithSharedData = (name: string, body: () => void) =>
  hasSharedData ? describe(name, body) : describe.skip(`${name} (skipped: ${SHARED_DATA} is absent)`, body)

export const sharedFile = (name: string): string => resolve(SHARED_DATA, name)

export const RECORDING = "binance-spot-trade-stream-BTCUSDT-ETHUSDT-20240808T2354Z.ndjson.gz"

/** The recording's frames, one string each, in receive order. */
export const recordingFrames = (): Array<string> =>
  gunzipSync(readFileSync(sharedFile(RECORDING)))
    .toString("utf8")
    .split("\n")
    .filter((l) => l.length > 0)

/** A CSV file's rows as fields. */
export const csvRows = (name: string): Array<Array<string>> =>
  readFileSync(sharedFile(name), "utf8")
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => l.split(","))
