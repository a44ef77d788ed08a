/**
 * `moto_server` (Python's `moto`) on a loopback port of its choosing, for the AWS APIs no npm
 * stand-in speaks (ECS, EventBridge rules and targets, CloudWatch, Pipes, Lambda, IAM
 * enforcement). Ready when it says where it listens; a machine without it fails the test with
 * the install line, never a skip.
 */
import { spawn } from "node:child_process"

const MOTO_INSTALL = `pip install "moto[server]"`
export const MOTO_CREDENTIALS = { accessKeyId: "testing", secretAccessKey: "testing" }
/** The one account moto_server has. */
export const MOTO_ACCOUNT = "123456789012"

export interface Moto {
  readonly url: string
  readonly close: () => Promise<void>
}

export const startMoto = (env: Readonly<Record<string, string>> = {}): Promise<Moto> =>
  new Promise((resolve, reject) => {
    const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", "0"], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] })
    let said = ""
    const exited = new Promise<void>((done) => child.once("exit", () => done()))
    child.once("error", (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === "ENOENT" ? `moto_server is not installed: ${MOTO_INSTALL}` : `moto_server: ${e.message}`)))
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
