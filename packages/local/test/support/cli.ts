/** The `blockchaincore` command run as a user runs it: the real bin in a child process. */
import { execFile } from "node:child_process"
import { resolve } from "node:path"

const BIN = resolve(import.meta.dirname, "../../bin/blockchaincore.ts")

export interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export const runCli = (...args: Array<string>): Promise<Run> => runCliWithin(0, ...args)

/** As `runCli`, killed after `limitMillis` (0: never), for commands that might not end. */
export const runCliWithin = (limitMillis: number, ...args: Array<string>): Promise<Run> =>
  new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { maxBuffer: 64 * 1024 * 1024, timeout: limitMillis }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr })
    })
  })
