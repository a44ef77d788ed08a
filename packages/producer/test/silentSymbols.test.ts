/**
 * The completeness watermark's decision: missing means the exchange had it at the previous check
 * and the delivered id stood still since, so a trade whose frame is on its way is never missing.
 */
import { describe, expect, it } from "vitest"
import { type Checked, type Delivered, silentGaps } from "../src/completeness/SilentSymbols.ts"

const at = (entries: ReadonlyArray<readonly [string, Delivered | undefined]>) => new Map(entries)

describe("silent symbols", () => {
  it("finds the ids the exchange had a check ago that the stream, standing still, never delivered; once", () => {
    const previous = new Map<string, Checked>()
    expect(
      silentGaps(
        at([
          ["BTCUSDT", { id: 100, time: 1_000 }],
          ["ETHUSDT", { id: 50, time: 900 }]
        ]),
        previous,
        new Map([
          ["BTCUSDT", 130],
          ["ETHUSDT", 80]
        ]),
        1_000
      )
    ).toEqual([])
    // BTCUSDT moved on; ETHUSDT stood still below what the exchange had then (80), though it has 95 now.
    expect(
      silentGaps(
        at([
          ["BTCUSDT", { id: 131, time: 1_500 }],
          ["ETHUSDT", { id: 50, time: 900 }]
        ]),
        previous,
        new Map([
          ["BTCUSDT", 140],
          ["ETHUSDT", 95]
        ]),
        1_500
      )
    ).toEqual([{ symbol: "ETHUSDT", fromId: 51, toId: 80, fromTime: 900, toTime: 1_500 }])
    // The producer moves ETHUSDT's delivered id to 80; the next check takes 81..95 if it stays silent.
    expect(
      silentGaps(
        at([
          ["BTCUSDT", { id: 150, time: 2_000 }],
          ["ETHUSDT", { id: 80, time: 900 }]
        ]),
        previous,
        new Map([
          ["BTCUSDT", 150],
          ["ETHUSDT", 99]
        ]),
        2_000
      )
    ).toEqual([{ symbol: "ETHUSDT", fromId: 81, toId: 95, fromTime: 900, toTime: 2_000 }])
  })

  it("never takes a trade made just before a check, its frame on its way, for missing", () => {
    const previous = new Map<string, Checked>([["DOGEUSDT", { delivered: 7, exchange: 7 }]])
    // A quiet symbol: one trade (8) right before this check, not delivered yet.
    expect(silentGaps(at([["DOGEUSDT", { id: 7, time: 10 }]]), previous, new Map([["DOGEUSDT", 8]]), 1_000)).toEqual([])
    // It arrives before the next check.
    expect(silentGaps(at([["DOGEUSDT", { id: 8, time: 20 }]]), previous, new Map([["DOGEUSDT", 8]]), 2_000)).toEqual([])
  })

  it("starts a symbol never delivered from the exchange's first answer, and leaves alone one with no trade in 24 h or no answer", () => {
    const previous = new Map<string, Checked>()
    const never = at([
      ["XRPUSDT", undefined],
      ["SOLUSDT", { id: 7, time: 10 }],
      ["ADAUSDT", undefined]
    ])
    expect(
      silentGaps(
        never,
        previous,
        new Map([
          ["XRPUSDT", 500],
          ["SOLUSDT", -1]
        ]),
        1_000
      )
    ).toEqual([])
    expect(
      silentGaps(
        never,
        previous,
        new Map([
          ["XRPUSDT", 520],
          ["SOLUSDT", -1]
        ]),
        2_000
      )
    ).toEqual([])
    expect(
      silentGaps(
        never,
        previous,
        new Map([
          ["XRPUSDT", 530],
          ["SOLUSDT", -1]
        ]),
        3_000
      )
    ).toEqual([{ symbol: "XRPUSDT", fromId: 501, toId: 520, fromTime: 3_000, toTime: 3_000 }])
  })
})
