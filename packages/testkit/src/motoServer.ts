/**
 * `moto_server` (Python's `moto`) on a loopback port of its choosing, for the AWS APIs no npm
 * stand-in speaks (ECS, EventBridge rules and targets, CloudWatch, Pipes, Lambda, IAM
 * enforcement). Ready when it says where it listens; a machine without it fails the test with
 * the install line, never a skip.
 */
import { spawn, spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { join, resolve } from "node:path"

const MOTO_INSTALL = `npm test installs it into .moto/ (node scripts/prepareMoto.ts), or pip install "moto[server]"`
/** The one on the PATH, else the project's own (scripts/prepareMoto.ts); looked for once. */
let found: string | undefined
const motoServer = (): string => {
  const own = join(resolve(import.meta.dirname, "../../.."), ".moto/bin/moto_server")
  found ??= spawnSync("moto_server", ["--help"], { stdio: "ignore" }).status !== 0 && existsSync(own) ? own : "moto_server"
  return found
}
export const MOTO_CREDENTIALS = { accessKeyId: "testing", secretAccessKey: "testing" }
/** The one account moto_server has. */
export const MOTO_ACCOUNT = "123456789012"

export interface Moto {
  readonly url: string
  readonly close: () => Promise<void>
}

export const startMoto = (env: Readonly<Record<string, string>> = {}): Promise<Moto> =>
  new Promise((resolve, reject) => {
    const child = spawn(motoServer(), ["-H", "127.0.0.1", "-p", "0"], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] })
    let said = ""
    const exited = new Promise<void>((done) => child.once("exit", () => done()))
    child.once("error", (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === "ENOENT" ? `moto_server is not installed: ${MOTO_INSTALL}` : `moto_server: ${e.message}`))
    )
    child.once("exit", (code) => reject(new Error(`moto_server exited (${code}) before it listened: ${said}`)))
    const listen = (chunk: Buffer) => {
      said += chunk.toString("utf8")
      const port = /Running on http:\/\/127\.0\.0\.1:(\d+)/.exec(said)?.[1]
      if (port === undefined) return
      child.stderr.off("data", listen)
      // Its request log is not read: drained so that it never blocks on a full pipe.
      child.stderr.resume()
      child.stdout.resume()
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: async () => {
          child.kill("SIGTERM")
          await exited
        }
      })
    }
    child.stderr.on("data", listen)
  })
