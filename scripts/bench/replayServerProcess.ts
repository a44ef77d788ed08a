/** `blockchaincore replay-server` in a child process (Binance's stand-in is not what is measured); resolves with it and its port. */
import { type ChildProcess, spawn } from "node:child_process"
import { resolve } from "node:path"

/** scripts/bench, also when this runs from a bundle elsewhere (bench.ts runs the producer's part bundled). */
export const BENCH_DIR = process.env["BENCH_DIR"] ?? import.meta.dirname
const BIN = resolve(BENCH_DIR, "../../packages/local/bin/blockchaincore.ts")

export const startReplayServerProcess = (recording: string): Promise<{ readonly child: ChildProcess; readonly port: number }> =>
  new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, "replay-server", "--input", recording], { stdio: ["ignore", "pipe", "inherit"] })
    let out = ""
    child.stdout!.on("data", (d) => {
      out += String(d)
      const m = /ws:\/\/127\.0\.0\.1:(\d+)/.exec(out)
      if (m !== null) done({ child, port: Number(m[1]) })
    })
    child.once("exit", (code) => fail(new Error(`replay-server exited with ${code}`)))
  })

/** The bench's framed stream server (framedStreamServer.ts) in a child process: cheaper per frame than any client. */
export const startFramedServerProcess = (recording: string, framesPerSecond?: number): Promise<{ readonly child: ChildProcess; readonly port: number }> =>
  new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [resolve(BENCH_DIR, "framedStreamServer.ts"), recording, ...(framesPerSecond === undefined ? [] : [String(framesPerSecond)])],
      { stdio: ["ignore", "pipe", "inherit"] }
    )
    let out = ""
    child.stdout!.on("data", (d) => {
      out += String(d)
      const m = /ws:\/\/127\.0\.0\.1:(\d+)/.exec(out)
      if (m !== null) done({ child, port: Number(m[1]) })
    })
    child.once("exit", (code) => fail(new Error(`the framed stream server exited with ${code}`)))
  })
