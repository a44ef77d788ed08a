/** The `blockchaincore` command run as a user runs it: the real bin in a child process. */
import { type ChildProcess, execFile, spawn } from "node:child_process"
import { resolve } from "node:path"

const BIN = resolve(import.meta.dirname, "../../local/bin/blockchaincore.ts")

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

export interface Started {
  readonly child: ChildProcess
  /** The API's port, from the line `start` prints when it is up. */
  readonly port: number
  /** Everything the process wrote so far, stdout and stderr. */
  readonly output: () => string
  /** SIGINT, as Ctrl-C: resolves with the exit code. */
  readonly stop: () => Promise<number | null>
}

/** `blockchaincore start ...args` in a child process, resolved once its API answers (its URL line is printed). */
export const startCli = (...args: Array<string>): Promise<Started> => startCliWithEnv({}, ...args)

/** As `startCli`, with these variables added to the environment. */
export const startCliWithEnv = (env: Readonly<Record<string, string>>, ...args: Array<string>): Promise<Started> =>
  new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, "start", ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } })
    let out = ""
    let port: number | undefined
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)))
    const onData = (d: Buffer) => {
      out += String(d)
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)
      if (m !== null && port === undefined) {
        port = Number(m[1])
        done({ child, port, output: () => out, stop: () => (child.kill("SIGINT"), exited) })
      }
    }
    child.stdout!.on("data", onData)
    child.stderr!.on("data", onData)
    void exited.then((code) => port === undefined && fail(new Error(`start exited with ${code} before it was up:\n${out}`)))
  })

/** Polls `check` until it holds, at most `limitMillis`: for what a child process does on its own time. */
export const waitFor = async (what: string, check: () => Promise<boolean>, limitMillis = 60_000): Promise<void> => {
  const deadline = Date.now() + limitMillis
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}
