/**
 * The dashboard in headless Chromium (the first of CHROMIUM_PATH, a system Chromium or the npm
 * package @sparticuz/chromium that runs: support/browser.ts), driven by playwright-core, against
 * the local runtime replaying a copy of the real recording in which BTCUSDT jumps 20% at 00:00:
 * candles for BTCUSDT, then ETHUSDT; a candle that closes while the page is open appears without
 * a reload; the anomaly shows as a marker on its candle and in the list; a symbol without trades
 * says so; the banner appears when the producer's Binance goes away; a phone-sized screen has
 * no sideways scrolling. No request leaves 127.0.0.1. A
 * screenshot of each state is kept in artifacts/dashboard/.
 */
import { mkdirSync, mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { Effect, Exit, Scope } from "effect"
import type { Browser, Page } from "playwright-core"
import { launchChromium } from "./support/browser.ts"
import { afterAll, beforeAll, expect, it } from "vitest"
import { runLocalRuntime } from "@blockchaincore/local/runtime/LocalRuntime"
import { bannerText } from "../src/Banner.ts"
import { buildDashboard, WEB_DIST } from "../build.ts"
import { loadRecording } from "@blockchaincore/replay/Recording"
import { ReplayServer } from "@blockchaincore/replay/ReplayServer"
import { describeWithSharedData } from "@blockchaincore/testkit/sharedData"
import { alteredRecording, JUMP_AT } from "@blockchaincore/testkit/alteredRecording"

const ARTIFACTS = resolve(import.meta.dirname, "../../../artifacts/dashboard")
const WAIT = 90_000

let browser: Browser
let scope: Scope.Closeable
let base: string
const offHost: Array<string> = []

const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true })

const open = async (path: string, viewport = { width: 1280, height: 900 }) => {
  const page = await browser.newPage({ viewport })
  await page.route("**/*", (route) => {
    const host = new URL(route.request().url()).hostname
    if (host === "127.0.0.1") return route.continue()
    offHost.push(route.request().url())
    return route.abort()
  })
  page.on("pageerror", (e) => offHost.push(`page error: ${e.message}`))
  await page.goto(`${base}${path}`)
  return page
}

const chartData = (page: Page, key: string) => page.locator("#chart").getAttribute(`data-${key}`)

describeWithSharedData("the dashboard in headless Chromium", () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true })
    const dashboard = await buildDashboard("")
    scope = Effect.runSync(Scope.make())
    const rt = await Effect.runPromise(
      runLocalRuntime({
        symbols: ["BTCUSDT", "ETHUSDT", "XRPUSDT"],
        wsUrl: "ws://unused",
        restUrl: "http://unused",
        replay: { file: alteredRecording(), speed: 12 },
        dataDir: mkdtempSync(join(tmpdir(), "blockchaincore-dashboard-")),
        port: 0,
        dashboardDir: dashboard,
        statusEveryMillis: 3_600_000
      }).pipe(Scope.provide(scope))
    )
    base = `http://127.0.0.1:${rt.port}`
    const launched = await launchChromium()
    console.log(`the dashboard test runs in ${launched.source}`)
    browser = launched.browser
  })

  afterAll(async () => {
    await browser?.close()
    if (scope !== undefined) await Effect.runPromise(Scope.close(scope, Exit.void))
  })

  it("shows BTCUSDT's candles, then ETHUSDT's, and a new candle without a reload", async () => {
    const page = await open("/?symbol=BTCUSDT&interval=1m")
    await page.waitForFunction(() => Number(document.getElementById("chart")?.dataset["candles"] ?? 0) >= 1, undefined, { timeout: WAIT })
    expect(await chartData(page, "symbol")).toBe("BTCUSDT")
    await expect.poll(() => page.locator("#legend").textContent()).toMatch(/O \d+\.\d{8} {2}H \d+\.\d{8}/)
    await expect.poll(() => page.locator("#health tr[data-symbol='BTCUSDT'] td").nth(2).textContent()).not.toBe("")
    await shot(page, "1-btcusdt")

    await page.selectOption("#symbol", "ETHUSDT")
    await page.waitForFunction(
      () => document.getElementById("chart")?.dataset["symbol"] === "ETHUSDT" && Number(document.getElementById("chart")?.dataset["candles"] ?? 0) >= 1,
      undefined,
      { timeout: WAIT }
    )
    expect(await page.locator("#legend").textContent()).toMatch(/C 2\d{3}\.\d{8}/) // ETH was about $2,600
    await shot(page, "2-ethusdt")

    // The same page, never reloaded: a marker on the window object would not survive a reload.
    await page.evaluate(() => Object.assign(window, { stillTheSamePage: true }))
    const before = Number(await chartData(page, "last-open"))
    await page.waitForFunction((t) => Number(document.getElementById("chart")?.dataset["lastOpen"] ?? 0) > t, before, { timeout: WAIT })
    expect(await page.evaluate(() => "stillTheSamePage" in window)).toBe(true)
    expect(await page.locator("#mode").getAttribute("data-mode")).toBe("live")
    await shot(page, "3-new-candle")
    await page.close()
  })

  it("shows each hop's p50 and p99 over the last 15 minutes in the Latency panel", async () => {
    const page = await open("/?symbol=BTCUSDT&interval=1m")
    const p99 = (hop: string) => page.locator(`#latency tr[data-hop='${hop}'] td`).nth(2).textContent()
    await expect.poll(() => p99("process"), { timeout: WAIT }).toMatch(/^\d+(\.\d)? ms$/)
    const hops = await page.locator("#latency tr").evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset["hop"]))
    expect(hops).toEqual(expect.arrayContaining(["batching", "publish", "queue", "enrich", "process", "bus", "consume: anomaly"]))
    for (const hop of ["batching", "queue", "enrich", "bus"]) expect(await p99(hop)).toMatch(/^\d+(\.\d)? (ms|s)$/)
    expect(await page.locator("#latency-summary").textContent()).toBe("p50 and p99 of each hop over the last 15 minutes")
    await shot(page, "8-latency")
    await page.close()
  })

  it("marks the anomaly on its candle and lists it; filters the list", async () => {
    const page = await open("/?symbol=BTCUSDT&interval=1m")
    await page.waitForFunction((t) => (document.getElementById("chart")?.dataset["markers"] ?? "").split(",").includes(String(t)), JUMP_AT, { timeout: WAIT })
    const listed = page.locator(`#anomalies li[data-symbol='BTCUSDT'][data-interval='1m'][data-open-time='${JUMP_AT}'][data-rule='price_movement']`)
    await expect.poll(() => listed.count()).toBe(1)
    expect(await listed.textContent()).toContain("2024-08-09 00:00  BTCUSDT 1m  price movement  (high)")
    await shot(page, "4-anomaly")

    await page.selectOption("#filter-symbol", "ETHUSDT")
    expect(await listed.count()).toBe(0)
    await page.selectOption("#filter-symbol", "")
    await page.selectOption("#filter-severity", "high")
    expect(await listed.count()).toBe(1)
    await page.close()
  })

  it("says plainly when a symbol has no data yet", async () => {
    const page = await open("/?symbol=XRPUSDT&interval=1m")
    await expect.poll(() => page.locator("#no-data").isVisible(), { timeout: WAIT }).toBe(true)
    expect(await page.locator("#no-data").textContent()).toBe("No candles yet for XRPUSDT 1m: the first appears when its 1m window closes.")
    await shot(page, "5-no-data")
    await page.close()
  })

  it("shows a banner when the producer loses its connection", async () => {
    // A runtime of its own, streaming from a Binance-protocol server the test can take away.
    const server = new ReplayServer(loadRecording(alteredRecording()), { speed: 30 })
    const port = await server.listen()
    const own = Effect.runSync(Scope.make())
    try {
      const rt = await Effect.runPromise(
        runLocalRuntime({
          symbols: ["BTCUSDT", "ETHUSDT"],
          wsUrl: `ws://127.0.0.1:${port}`,
          restUrl: `http://127.0.0.1:${port}`,
          replay: undefined,
          dataDir: mkdtempSync(join(tmpdir(), "blockchaincore-banner-")),
          port: 0,
          dashboardDir: WEB_DIST,
          statusEveryMillis: 3_600_000
        }).pipe(Scope.provide(own))
      )
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
      await page.goto(`http://127.0.0.1:${rt.port}/?symbol=BTCUSDT`)
      await expect.poll(() => page.locator("#health-summary").textContent(), { timeout: WAIT }).toMatch(/^producer ok · 1 connection/)
      await page.waitForFunction(() => Number(document.getElementById("chart")?.dataset["candles"] ?? 0) >= 2, undefined, { timeout: WAIT })
      expect(await page.locator("#banner").isVisible()).toBe(false)
      await server.close()
      await expect
        .poll(() => page.locator("#banner").textContent(), { timeout: WAIT })
        .toMatch(/^The producer is down since \d\d:\d\d:\d\d UTC \(cannot reach ws:\/\/127\.0\.0\.1:\d+\/stream/)
      expect(await page.locator("#banner").isVisible()).toBe(true)
      await shot(page, "7-disconnected")
      await page.close()
    } finally {
      await server.close().catch(() => undefined)
      await Effect.runPromise(Scope.close(own, Exit.void))
    }
  })

  it("fits a phone-sized screen", async () => {
    const page = await open("/?symbol=BTCUSDT&interval=5m", { width: 390, height: 844 })
    await page.waitForFunction(() => Number(document.getElementById("chart")?.dataset["candles"] ?? 0) >= 1, undefined, { timeout: WAIT })
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
    const chartBox = await page.locator("#chart").boundingBox()
    expect(chartBox?.width).toBeLessThanOrEqual(390)
    expect(chartBox?.height).toBeGreaterThan(200)
    await shot(page, "6-phone")
    await page.close()
    expect([...new Set(offHost)]).toEqual([])
  })
})

it("the banner says when the producer is disconnected or a gap is open, and nothing when all is well", () => {
  const healthy = {
    status: "ok" as const,
    now: 0,
    connectionsUp: 1,
    reconnects: 0,
    gapsOpen: 0,
    gapsFilled: 0,
    queueDepth: 0,
    batchesProcessed: 0,
    journal: 0,
    symbols: []
  }
  expect(bannerText(healthy)).toBeUndefined()
  expect(
    bannerText({
      ...healthy,
      status: "disconnected",
      since: Date.UTC(2024, 7, 9, 0, 1, 2),
      detail: "cannot reach wss://stream.binance.com:9443/stream: ENOTFOUND",
      connectionsUp: 0,
      reconnects: 3
    })
  ).toBe(
    "The producer is down since 00:01:02 UTC (cannot reach wss://stream.binance.com:9443/stream: ENOTFOUND), retrying; 3 reconnects so far: candles are not closing."
  )
  expect(bannerText({ ...healthy, status: "connecting", since: Date.UTC(2024, 7, 9, 0, 1, 2) })).toBe("Connecting to Binance since 00:01:02 UTC…")
  expect(bannerText({ ...healthy, gapsOpen: 1 })).toMatch(/1 gap in the trades is open: the candles it covers are incomplete/)
  expect(bannerText({ ...healthy, gapsOpen: 1, gapsOverdue: [{ symbol: "ETHUSDT", fromId: 7, toId: 9, openSeconds: 660 }] })).toMatch(
    /ETHUSDT: trades 7..9 still missing after 11 min/
  )
  expect(bannerText(undefined)).toBeUndefined()
})
