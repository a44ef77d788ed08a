/**
 * The replay server's REST side as Binance documents its own: a trade database that lags the
 * market by `restLagMillis` (historicalTrades, aggTrades, klines) while the ticker and
 * exchangeInfo are current; klines that know the trades before a replay's start; a halt that
 * begins at its time, whoever asked. Unpaced and with no stream client, the market stands at its
 * start frame, so each answer is fixed.
 */
import { afterEach, expect, it } from "vitest"
import { loadRecording, type RecordedFrame } from "../src/Recording.ts"
import { type ReplayFaults, ReplayServer } from "../src/ReplayServer.ts"
import { describeWithSharedData, RECORDING, sharedFile } from "@blockchaincore/testkit/sharedData"

const M = 60_000
let server: ReplayServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const start = async (frames: ReadonlyArray<RecordedFrame>, startAt: number, faults: ReplayFaults = {}) => {
  server = new ReplayServer(frames, { startAt, faults })
  const port = await server.listen()
  return async (path: string): Promise<unknown> => (await fetch(`http://127.0.0.1:${port}${path}`)).json()
}

describeWithSharedData("the replay server's REST, as Binance documents its own", () => {
  const frames = loadRecording(sharedFile(RECORDING))
  const btc = frames.filter((f) => f.trade.symbol === "BTCUSDT").map((f) => f.trade)
  // Start mid-way through the recording, mid-minute.
  const startAt = frames.findIndex((f) => f.trade.time >= btc[0]!.time + 5 * M + 25_000)
  const now = frames[startAt]!.trade.time

  it("serves trades only as far as its lagging database knows them, and the ticker as the market stands", async () => {
    const ask = await start(frames, startAt, { restLagMillis: 40_000 })
    const rows = (await ask(`/api/v3/aggTrades?symbol=BTCUSDT&startTime=${now - 50_000}&endTime=${now}&limit=1000`)) as Array<{ T: number }>
    expect(rows.length).toBeGreaterThan(0)
    expect(Math.max(...rows.map((r) => r.T))).toBeLessThan(now - 40_000)
    expect(rows.length).toBe(btc.filter((t) => t.time >= now - 50_000 && t.time < now - 40_000).length)
    const ticker = (await ask(`/api/v3/ticker/24hr?symbols=${encodeURIComponent('["BTCUSDT"]')}`)) as Array<{ lastId: number }>
    expect(ticker[0]?.lastId).toBe(Math.max(...btc.filter((t) => t.time < now).map((t) => t.lastId)))
  })

  it("makes klines of the trades before the replay's start: the minute a client starts in is whole", async () => {
    const ask = await start(frames, startAt)
    const minuteOpen = now - (now % M)
    const rows = (await ask(`/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=${minuteOpen - 5 * M}&endTime=${minuteOpen}`)) as Array<
      [number, string, string, string, string, string, number, string, number]
    >
    const before = rows.find((k) => k[0] === minuteOpen - M)
    expect(before?.[8]).toBe(btc.filter((t) => t.time >= minuteOpen - M && t.time < minuteOpen).length)
    expect(rows.some((k) => k[0] === minuteOpen)).toBe(false)
  })

  it("halts a symbol at the halt's time, though nobody asked before", async () => {
    const halt = { symbol: "BTCUSDT", fromTime: now - M, toTime: now + M }
    const ask = await start(frames, startAt, { halt })
    const info = (await ask(`/api/v3/exchangeInfo?symbols=${encodeURIComponent('["BTCUSDT","ETHUSDT"]')}`)) as {
      symbols: Array<{ symbol: string; status: string }>
    }
    expect(info.symbols.map((s) => [s.symbol, s.status])).toEqual([
      ["BTCUSDT", "BREAK"],
      ["ETHUSDT", "TRADING"]
    ])
  })
})
