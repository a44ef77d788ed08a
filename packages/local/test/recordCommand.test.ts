/** `replay-server` and `record`, run as a user runs them: a recording survives the round trip byte for byte. */
import { execFile, spawn } from "node:child_process"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { gunzipSync } from "node:zlib"
import { expect, it } from "vitest"
import { describeWithSharedData, RECORDING, sharedFile } from "@blockchaincore/testkit/sharedData"

const BIN = resolve(import.meta.dirname, "../bin/blockchaincore.ts")

describeWithSharedData("record against replay-server", () => {
  it("writes every frame exactly as the server sent it", async () => {
    const server = spawn(process.execPath, [BIN, "replay-server", "--input", sharedFile(RECORDING)], { stdio: ["ignore", "pipe", "pipe"] })
    try {
      const url = await new Promise<string>((done, fail) => {
        let out = ""
        server.stdout.on("data", (d) => {
          out += String(d)
          const match = /ws:\/\/127\.0\.0\.1:\d+/.exec(out)
          if (match !== null) done(match[0])
        })
        server.once("exit", (code) => fail(new Error(`replay-server exited with ${code}`)))
      })
      const out = join(mkdtempSync(join(tmpdir(), "blockchaincore-record-")), "trades.ndjson.gz")
      const code = await new Promise<number>((done) =>
        execFile(process.execPath, [BIN, "record", "--symbols", "btcusdt,ethusdt", "--ws-url", url, "--out", out, "--seconds", "3"], (error) =>
          done(error === null ? 0 : typeof error.code === "number" ? error.code : -1)
        )
      )
      expect(code).toBe(0)
      const recorded = gunzipSync(readFileSync(out)).toString("utf8")
      const original = gunzipSync(readFileSync(sharedFile(RECORDING))).toString("utf8")
      expect(recorded.split("\n").filter((l) => l.length > 0)).toEqual(original.split("\n").filter((l) => l.length > 0))
    } finally {
      server.kill("SIGINT")
    }
  })
})
