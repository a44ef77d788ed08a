/**
 * `npm run dev` in packages/web, as `sst dev` runs it for the dashboard (stacks/web.ts): it starts,
 * serves the page, and passes `/api/*` on to the stage's URL, here a loopback stand-in of the
 * stage's CloudFront; a stage that does not answer is a 502 that says so, and the server goes on.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { createServer, type Server } from "node:http"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { stageRequestUrl } from "../dev.ts"

const WEB = join(import.meta.dirname, "..")
let stage: Server
let stageUrl: string
let dev: ChildProcess
let exited: Promise<void>
let base: string

beforeAll(async () => {
  stage = createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json" })
    res.end(JSON.stringify({ asked: req.url }))
  })
  await new Promise<void>((r) => stage.listen(0, "127.0.0.1", r))
  const address = stage.address()
  stageUrl = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`
  dev = spawn("npm", ["run", "dev"], {
    cwd: WEB,
    env: { ...process.env, STAGE_URL: stageUrl, DASHBOARD_PORT: "0" },
    stdio: ["ignore", "ignore", "pipe"],
    detached: true
  })
  exited = new Promise<void>((r) => dev.once("exit", () => r()))
  base = await new Promise<string>((resolve, reject) => {
    let said = ""
    dev.stderr?.on("data", (chunk: Buffer) => {
      said += chunk.toString("utf8")
      const url = /dashboard \(dev\) on (http:\/\/127\.0\.0\.1:\d+)/.exec(said)?.[1]
      if (url !== undefined) resolve(url)
    })
    dev.once("exit", (code) => reject(new Error(`npm run dev exited (${code}): ${said}`)))
  })
})
afterAll(async () => {
  // npm and the server it started: the whole group, as Ctrl-C in sst dev's terminal would.
  try {
    if (dev.pid !== undefined) process.kill(-dev.pid, "SIGTERM")
    await exited
  } catch {
    // Already gone.
  }
  await new Promise<void>((r) => stage.close(() => r()))
})

describe("the dashboard under sst dev (npm run dev in packages/web)", () => {
  it("serves the page", async () => {
    const page = await fetch(`${base}/`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain("<script")
    expect((await fetch(`${base}/app.js`)).status).toBe(200)
  })

  it("builds the stage's URL from the path and query only, under the stage's own path", () => {
    expect(stageRequestUrl("https://d.cloudfront.net", "/api/health?x=1").href).toBe("https://d.cloudfront.net/api/health?x=1")
    expect(stageRequestUrl("https://d.cloudfront.net/base/", "http://elsewhere.example/api/x").href).toBe("https://d.cloudfront.net/base/api/x")
    expect(stageRequestUrl("https://d.cloudfront.net", "//elsewhere.example/api/x").host).toBe("d.cloudfront.net")
  })

  it("passes /api/* on to the stage's URL, path and query as asked", async () => {
    const answer = await fetch(`${base}/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=5`)
    expect(answer.status).toBe(200)
    expect(await answer.json()).toEqual({ asked: "/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=5" })
    expect(await (await fetch(`${base}/api/health`)).json()).toEqual({ asked: "/api/health" })
  })

  it("a stage that does not answer is a 502 naming it, and the server still serves", async () => {
    await new Promise<void>((r) => stage.close(() => r()))
    stage = createServer()
    const answer = await fetch(`${base}/api/health`)
    expect(answer.status).toBe(502)
    expect((await answer.json()).msg).toContain(`the stage's API at ${stageUrl} did not answer`)
    expect((await fetch(`${base}/`)).status).toBe(200)
  })
})
