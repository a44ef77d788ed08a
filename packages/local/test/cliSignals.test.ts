/**
 * Ctrl-C and SIGTERM stop every long-running command, in whatever state it is in: connecting to a
 * server that never answers, replaying, serving, downloading from an archive that never answers.
 * Each ends with the shell's 130 and no trace. Bounded: each command is killed after 30 s.
 */
import { spawn } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { createServer, type Server } from "node:net"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { RECORDING, sharedFile } from "@blockchaincore/testkit/sharedData"

const BIN = resolve(import.meta.dirname, "../bin/blockchaincore.ts")
const scratch = () => mkdtempSync(join(tmpdir(), "blockchaincore-signals-"))

/** A peer that accepts connections and never says a word. */
let silent: Server
let silentUrl = ""
beforeAll(async () => {
  silent = createServer(() => {})
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r))
  const address = silent.address()
  silentUrl = `127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`
})
afterAll(() => silent.close())

/** Runs the command until it has written `ready`, sends `signals`, and resolves with how it ended. */
const stopWith = (argv: ReadonlyArray<string>, ready: RegExp, signals: ReadonlyArray<NodeJS.Signals>) =>
  new Promise<{ readonly code: number | null; readonly output: string }>((done) => {
    const child = spawn(process.execPath, [BIN, ...argv], { stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    let sent = false
    const limit = setTimeout(() => child.kill("SIGKILL"), 30_000)
    const look = (d: Buffer) => {
      output += String(d)
      if (sent || !ready.test(output)) return
      sent = true
      for (const s of signals) child.kill(s)
    }
    child.stdout.on("data", look)
    child.stderr.on("data", look)
    child.once("exit", (code, signal) => {
      clearTimeout(limit)
      done({ code: code ?? (signal === "SIGKILL" ? -9 : null), output })
    })
  })

describe("stopping a command", () => {
  const cases = (): ReadonlyArray<readonly [string, ReadonlyArray<string>, RegExp]> => [
    ["start, replaying", ["start", "--replay", sharedFile(RECORDING), "--data-dir", scratch(), "--port", "0"], /127\.0\.0\.1:\d+\/api/],
    [
      "start, connecting to a server that never answers",
      ["start", "--data-dir", scratch(), "--port", "0", "--ws-url", `ws://${silentUrl}`, "--rest-url", `http://${silentUrl}`],
      /127\.0\.0\.1:\d+\/api/
    ],
    [
      "produce, connecting",
      ["produce", "--symbols", "btcusdt", "--ws-url", `ws://${silentUrl}`, "--rest-url", `http://${silentUrl}`, "--journal-dir", scratch()],
      /producing/
    ],
    ["record, connecting", ["record", "--symbols", "btcusdt", "--ws-url", `ws://${silentUrl}`, "--out", join(scratch(), "t.ndjson")], /recording|btcusdt/i],
    [
      "backfill, waiting on an archive that never answers",
      ["backfill", "--symbols", "BTCUSDT", "--from", "2024-01-01", "--to", "2024-01-01", "--data-dir", scratch(), "--archive-url", `http://${silentUrl}`],
      /backfill/
    ],
    ["replay-server, serving", ["replay-server", "--input", sharedFile(RECORDING), "--port", "0"], /ws:\/\/127\.0\.0\.1/]
  ]

  for (const signals of [["SIGINT"], ["SIGTERM"], ["SIGINT", "SIGINT"]] as const) {
    it(`${signals.join(" then ")} ends each with 130 and no trace`, async () => {
      for (const [what, argv, ready] of cases()) {
        const ended = await stopWith(argv, ready, signals)
        expect(ended.code, `${what}:\n${ended.output}`).toBe(130)
        expect(ended.output, what).not.toMatch(/\n\s+at [^\n]+:\d+:\d+\)?\n|a bug, please report it|Unhandled/)
      }
    })
  }
})
