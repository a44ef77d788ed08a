/**
 * Paths are input from outside too: every command's path flags given generated bad paths and
 * files (a kernel file system, a file where a folder is expected and a folder where a file is,
 * missing, unreadable, empty, not a regular file, the wrong format, a line longer than any trade)
 * end with one line naming the flag and the problem, exit 1, before anything starts. Run as a user
 * runs the command; bounded: 30 runs, each killed after 30 s.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import fc from "fast-check"
import { expect, it } from "vitest"
import { runCliWithin } from "@blockchaincore/testkit/cli"

const root = mkdtempSync(join(tmpdir(), "blockchaincore-paths-"))
const place = (name: string) => join(mkdtempSync(join(root, "case-")), name)
const file = (content: string | Buffer) => {
  const path = place("input")
  writeFileSync(path, content)
  return path
}
const folder = () => {
  const path = place("folder")
  mkdirSync(path)
  return path
}

/** What a flag expecting a folder is given instead. */
const badFolder = fc.oneof(
  fc.stringMatching(/^[a-z]{1,8}$/).map((n) => `/proc/${n}`),
  fc.stringMatching(/^[a-z]{1,8}$/).map((n) => `/sys/${n}/data`),
  fc.constant(null).map(() => file("not a folder")),
  fc.constant(null).map(() => join(file("not a folder"), "data"))
)

/** What a flag expecting a file to read is given instead. */
const badInput = fc.oneof(
  fc.constant(null).map(() => place("missing.ndjson.gz")),
  fc.constant(null).map(folder),
  fc.constant(null).map(() => file("")),
  fc.constant("/dev/null"),
  fc.constant("/proc/self/mem"),
  fc.uint8Array({ minLength: 64, maxLength: 4096 }).map((bytes) => file(Buffer.from([0x80, ...bytes]))),
  fc.constant(null).map(() => file(Array.from({ length: 12 }, (_, i) => `id,price,qty,${i}`).join("\n"))),
  fc.constant(null).map(() => file("x".repeat(2 * 1024 * 1024)))
)

/** What a flag expecting a file to write is given instead. */
const badOutput = fc.oneof(
  fc.constant(null).map(folder),
  fc.constant(null).map(() => join(place("missing"), "trades.ndjson.gz")),
  fc.constant(null).map(() => join(file("a file"), "trades.ndjson.gz")),
  fc.constant("/proc/trades.ndjson")
)

const UNREACHABLE = ["--ws-url", "ws://127.0.0.1:9", "--rest-url", "http://127.0.0.1:9"]
const commands = fc.oneof(
  badFolder.map((p) => ["--data-dir", ["start", "--data-dir", p, "--port", "0", ...UNREACHABLE]] as const),
  badInput.map((p) => ["--replay", ["start", "--replay", p, "--data-dir", place("data"), "--port", "0"]] as const),
  badInput.map((p) => ["--anomaly-config", ["start", "--anomaly-config", p, "--data-dir", place("data"), "--port", "0", ...UNREACHABLE]] as const),
  badInput.map((p) => ["--input", ["candles", "--input", p]] as const),
  badInput.map((p) => ["--input", ["replay-server", "--input", p, "--port", "0"]] as const),
  fc
    .oneof(
      badFolder,
      fc.constant(null).map(() => place("never-made"))
    )
    .map((p) => ["--data-dir", ["query", "SELECT 1", "--data-dir", p]] as const),
  badFolder.map(
    (p) =>
      [
        "--data-dir",
        ["backfill", "--symbols", "BTCUSDT", "--from", "2024-01-01", "--to", "2024-01-01", "--data-dir", p, "--archive-url", "http://127.0.0.1:9"]
      ] as const
  ),
  badFolder.map((p) => ["--journal-dir", ["produce", "--symbols", "btcusdt", "--journal-dir", p, ...UNREACHABLE]] as const),
  badOutput.map((p) => ["--out", ["record", "--symbols", "btcusdt", "--out", p, "--seconds", "1", "--ws-url", "ws://127.0.0.1:9"]] as const)
)

it("a bad path or file on any command is one line naming the flag, and exit 1, before anything starts", async () => {
  await fc.assert(
    fc.asyncProperty(commands, async ([flag, argv]) => {
      const run = await runCliWithin(30_000, ...argv)
      const said = `${argv.join(" ")}\n${run.stdout}${run.stderr}`
      expect(run.code, said).toBe(1)
      const lines = run.stderr
        .trim()
        .split("\n")
        .filter((l) => l.startsWith("blockchaincore: "))
      expect(lines, said).toHaveLength(1)
      expect(lines[0], said).toMatch(
        flag === "--replay" || flag === "--anomaly-config" || flag === "--input"
          ? new RegExp(`${flag}|not a file of trades|line \\d+|${argv[argv.indexOf(flag) + 1]!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`)
          : new RegExp(flag)
      )
      expect(said).not.toMatch(/\n\s+at [^\n]+:\d+:\d+\)?\n|uncaught|a bug, please report it|Unhandled 'error' event/i)
      // Nothing started: no API, no connection, no data directory made where one was refused.
      expect(run.stdout).not.toMatch(/http:\/\/127\.0\.0\.1:\d+\/api|producing|replaying/)
    }),
    { numRuns: 30 }
  )
}, 900_000)
