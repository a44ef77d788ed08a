/**
 * A first run from a location Binance does not serve: its streams and REST answer HTTP 451. The
 * runtime says so in one line with the way out (log, /health, and so the dashboard's banner),
 * asks the stream again only after minutes, and the warm start reports it once, not per symbol
 * and interval.
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, expect, it } from "vitest"
import { LOCATION_REFUSED } from "@blockchaincore/binance/rest/LocationRefused"
import { bannerText } from "@blockchaincore/web/Banner"
import { PipelineHealth } from "@blockchaincore/core/health/PipelineHealth"
import { Schema } from "effect"
import { type Http10Peer, startHttp10Peer } from "@blockchaincore/testkit/http10Peer"
import { startCli, waitFor } from "@blockchaincore/testkit/cli"

const peers: Array<Http10Peer> = []
afterEach(async () => {
  for (const p of peers.splice(0)) await p.close()
})

it("names a refused location once, with what to do, and retries the stream slowly", async () => {
  const binance = await startHttp10Peer(() => ({
    status: 451,
    headers: { "content-type": "application/json" },
    body: '{"code":0,"msg":"Service unavailable from a restricted location according to \'b. Eligibility\'."}'
  }))
  peers.push(binance)
  const ws = binance.url.replace("http://", "ws://")
  const rt = await startCli(
    "--symbols",
    "btcusdt,ethusdt",
    "--ws-url",
    ws,
    "--rest-url",
    binance.url,
    "--data-dir",
    mkdtempSync(join(tmpdir(), "blockchaincore-451-")),
    "--port",
    "0"
  )
  try {
    const health = async () => Schema.decodeUnknownSync(PipelineHealth)(await (await fetch(`http://127.0.0.1:${rt.port}/health`)).json())
    await waitFor("/health to name the refusal", async () => (await health()).detail?.includes(LOCATION_REFUSED) === true)
    await waitFor("the warm start's end", async () => rt.output().includes("warm start: 0 candles"))
    const h = await health()
    expect(h.status).toBe("disconnected")
    expect(bannerText(h)).toContain(LOCATION_REFUSED)
    const out = rt.output()
    // The stream: one line that names it, and the next try minutes away.
    expect(out).toMatch(
      new RegExp(`cannot reach ${ws}/[^ ]*: ${LOCATION_REFUSED.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}; retrying in 300\\.0 s \\(attempt 1\\)`)
    )
    expect(binance.requests.filter((r) => r.headers["upgrade"] === "websocket")).toHaveLength(1)
    // The warm start: once, for all 2 symbols × 6 intervals.
    expect(out.split(`warm start skipped: ${LOCATION_REFUSED}`)).toHaveLength(2)
    expect(out).not.toMatch(/warm start of \w+ \w+ skipped/)
  } finally {
    await rt.stop()
  }
})
