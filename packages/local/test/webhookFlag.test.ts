/**
 * `npm start -- --webhook-url URL`, run as a user runs it: the real CLI replaying the recording
 * with BTCUSDT 20% higher from 00:00. The high-severity anomaly reaches a webhook on loopback
 * with the body Slack and Discord read. A webhook that hangs, answers 500 or closes mid-answer is
 * retried and counted, and neither the bus, the other consumers nor the process stop for it.
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, expect, it } from "vitest"
import { type Http10Peer, type PeerAnswer, startHttp10Peer } from "@blockchaincore/testkit/http10Peer"
import { describeWithSharedData, RECORDING, sharedFile } from "@blockchaincore/testkit/sharedData"
import { alteredRecording } from "@blockchaincore/testkit/alteredRecording"
import { runCli, startCli, waitFor } from "@blockchaincore/testkit/cli"

const peers: Array<Http10Peer> = []
afterEach(async () => {
  for (const p of peers.splice(0)) await p.close()
})
const scratch = () => mkdtempSync(join(tmpdir(), "blockchaincore-webhook-"))
const getText = async (port: number, path: string) => (await fetch(`http://127.0.0.1:${port}${path}`)).text()

describeWithSharedData("start --webhook-url", () => {
  it("posts the altered recording's high-severity anomaly to the webhook", async () => {
    const hook = await startHttp10Peer(() => ({ status: 200, body: "ok" }))
    peers.push(hook)
    const rt = await startCli("--replay", alteredRecording(), "--data-dir", scratch(), "--port", "0", "--webhook-url", `${hook.url}/hook`)
    try {
      await waitFor("the webhook's first post", async () => hook.requests.length > 0)
      const post = hook.requests[0]!
      expect(post).toMatchObject({ method: "POST", path: "/hook" })
      expect(post.headers["content-type"]).toBe("application/json")
      const body: unknown = JSON.parse(post.body)
      expect(body).toEqual({
        text: expect.stringMatching(/^\*BTCUSDT 1m: price_movement \(high\)\*\n/),
        content: expect.stringMatching(/^\*BTCUSDT 1m: price_movement \(high\)\*\n/)
      })
    } finally {
      // Ctrl-C: a clean stop, with the shell's status for an interrupted command.
      expect(await rt.stop()).toBe(130)
    }
  })

  it("retries and counts a webhook that hangs, answers 500 or closes mid-answer, and the bus and the other consumers go on", async () => {
    const faults: ReadonlyArray<PeerAnswer> = [
      { status: 500, body: "boom" },
      { status: 200, body: "x".repeat(10_000), behaviour: "finMidBody" },
      { status: 200, behaviour: "silent" }
    ]
    let n = 0
    const hook = await startHttp10Peer(() => faults[n++ % faults.length]!)
    peers.push(hook)
    const rt = await startCli("--replay", alteredRecording(), "--data-dir", scratch(), "--port", "0", "--webhook-url", hook.url)
    try {
      const failures = async () =>
        Number(/blockchaincore_consumer_failures_total\{consumer="webhook"\} (\d+)/.exec(await getText(rt.port, "/metrics"))?.[1] ?? "0")
      await waitFor("three failed posts, counted", async () => (await failures()) >= 3)
      // The alert consumer, on the same bus, alerted on the same anomaly meanwhile.
      await waitFor("the alert, served", async () => (await getText(rt.port, "/api/alerts?symbol=BTCUSDT")).includes('"state":"firing"'))
      expect(JSON.parse(await getText(rt.port, "/health"))).toMatchObject({ symbols: expect.any(Array) })
      expect(rt.child.exitCode).toBeNull()
    } finally {
      // Ctrl-C: a clean stop, with the shell's status for an interrupted command.
      expect(await rt.stop()).toBe(130)
    }
  })

  it("refuses a URL that is not http or https, naming the flag", async () => {
    const run = await runCli("start", "--webhook-url", "ftp://example.com/hook", "--replay", sharedFile(RECORDING), "--data-dir", scratch())
    expect(run.code).not.toBe(0)
    expect(run.stdout + run.stderr).toMatch(/webhook-url/)
    expect(run.stdout + run.stderr).toMatch(/http:\/\/ or https:\/\/ URL/)
  })
})
