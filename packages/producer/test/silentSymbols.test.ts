/** The completeness watermark's decision: a symbol is silent behind the exchange only when its delivered id stood still over two checks. */
import { describe, expect, it } from "vitest"
import { type Delivered, silentGaps } from "../src/gaps/SilentSymbols.ts"

const at = (entries: ReadonlyArray<readonly [string, Delivered | undefined]>) => new Map(entries)

describe("silent symbols", () => {
  it("finds a symbol whose delivered id stood still while the exchange moved on, once", () => {
    const previous = new Map<string, number>()
    const delivered = at([["BTCUSDT", { id: 100, time: 1_000 }], ["ETHUSDT", { id: 50, time: 900 }]])
    const exchange = new Map([["BTCUSDT", 130], ["ETHUSDT", 80]])
    // The first check has nothing to compare with: trades may merely be in flight.
    expect(silentGaps(delivered, previous, exchange, 1_000)).toEqual([])
    const moved = at([["BTCUSDT", { id: 131, time: 1_500 }], ["ETHUSDT", { id: 50, time: 900 }]])
    expect(silentGaps(moved, previous, new Map([["BTCUSDT", 140], ["ETHUSDT", 95]]), 1_500)).toEqual([
      { symbol: "ETHUSDT", fromId: 51, toId: 95, fromTime: 900, toTime: 1_500 }
    ])
    // Reported: the next check starts from the exchange's id, not from the stream's.
    expect(silentGaps(at([["BTCUSDT", { id: 150, time: 2_000 }], ["ETHUSDT", { id: 95, time: 900 }]]), previous, new Map([["BTCUSDT", 150], ["ETHUSDT", 95]]), 2_000)).toEqual([])
  })

  it("leaves alone a symbol that is quiet on the exchange too, one never delivered, and one the exchange does not answer for", () => {
    const previous = new Map([["BTCUSDT", 100], ["SOLUSDT", 7]])
    const delivered = at([["BTCUSDT", { id: 100, time: 1_000 }], ["XRPUSDT", undefined], ["SOLUSDT", { id: 7, time: 10 }]])
    expect(silentGaps(delivered, previous, new Map([["BTCUSDT", 100], ["XRPUSDT", 55]]), 1_000)).toEqual([])
    expect(silentGaps(delivered, previous, new Map([["BTCUSDT", -1]]), 1_000)).toEqual([])
  })
})
