/**
 * Every contract decodes what the real world sends and rejects the rest with an error that says
 * what was wrong and where.
 */
import fc from "fast-check"
import { Result, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { decodeArchiveRow, detectArchiveFormat } from "@blockchaincore/binance/archive/ArchiveRow"
import { decodeFrame, scanTradeFrame } from "@blockchaincore/binance/stream/FrameDecoder"
import { StreamFrameFromJson } from "@blockchaincore/binance/stream/StreamFrame"
import { Candle } from "../src/candle/Candle.ts"
import { formatUnits, parseUnits, Units16, Units8 } from "../src/decimal/Decimal.ts"
import {
  alertSent,
  anomalyDetected,
  candleClosed,
  candleRevised,
  candleRetracted,
  dataGapDetected,
  dataGapOverdue,
  dataGapFilled,
  DomainEventFromJson
} from "../src/events/DomainEvent.ts"
import { encodeTradeBatchJson, shardOf, TradeBatchFromJson, type TradeBatch } from "../src/trade/TradeBatch.ts"
import { describeWithSharedData, hasSharedData, recordingFrames } from "@blockchaincore/testkit/sharedData"

const TRADE =
  '{"stream":"btcusdt@trade","data":{"e":"trade","E":1723161255343,"s":"BTCUSDT","t":3735683259,"p":"61837.63000000","q":"0.02000000","T":1723161255342,"m":true,"M":true}}'

const errorOf = (text: string): string => {
  const decoded = decodeFrame(text)
  if (decoded._tag !== "Invalid") throw new Error(`expected ${text} to be rejected`)
  return decoded.message
}

describe("exact decimals", () => {
  it("reads Binance decimals as 1e-8 units and writes them back unchanged", () => {
    expect(Schema.decodeUnknownSync(Units8)("61837.63000000")).toBe(6_183_763_000_000n)
    expect(Schema.encodeSync(Units8)(6_183_763_000_000n)).toBe("61837.63000000")
    expect(Schema.decodeUnknownSync(Units8)("0.00000001")).toBe(1n)
    expect(Schema.decodeUnknownSync(Units8)("123456789012345678.5")).toBe(12_345_678_901_234_567_850_000_000n)
  })

  it("rejects what is not a plain decimal with at most 8 places", () => {
    for (const bad of ["", "-1", "1e5", "01.5", ".5", "5.", "1.123456789", "1,5", " 1", "NaN", "0x10"]) {
      expect(parseUnits(bad, 0, bad.length, 8), bad).toBeUndefined()
      expect(() => Schema.decodeUnknownSync(Units8)(bad), bad).toThrow(/at most 8 places/)
    }
  })

  it("round-trips any value, and sums keep all 16 places", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 30n }), (units) => {
        expect(Schema.decodeUnknownSync(Units8)(Schema.encodeSync(Units8)(units))).toBe(units)
        expect(Schema.decodeUnknownSync(Units16)(Schema.encodeSync(Units16)(units))).toBe(units)
      })
    )
    expect(Schema.encodeSync(Units16)(1_236_752_600_000_000_000n)).toBe("123.67526000")
    expect(Schema.encodeSync(Units16)(17_449_482_343_476n)).toBe("0.0017449482343476")
  })

  it("rounds half to even only when asked for fewer places", () => {
    expect(formatUnits(125n, 2, 1)).toBe("1.2")
    expect(formatUnits(135n, 2, 1)).toBe("1.4")
    expect(formatUnits(126n, 2, 1)).toBe("1.3")
    expect(formatUnits(5n, 0, 8)).toBe("5.00000000")
  })
})

describe("stream frames", () => {
  it("decodes a combined trade frame, a raw one, an aggTrade and serverShutdown", () => {
    const expected = {
      symbol: "BTCUSDT",
      firstId: 3735683259,
      lastId: 3735683259,
      price: 6_183_763_000_000n,
      qty: 2_000_000n,
      time: 1723161255342,
      buyerIsMaker: true
    }
    expect(decodeFrame(TRADE)).toEqual({ _tag: "Trade", trade: expected })
    const raw = TRADE.slice('{"stream":"btcusdt@trade","data":'.length, -1)
    expect(decodeFrame(raw)).toEqual({ _tag: "Trade", trade: expected })
    expect(
      decodeFrame('{"e":"aggTrade","E":1,"s":"XRPETH","a":7,"p":"0.00141342","q":"23.00000000","f":100,"l":102,"T":1570752011620,"m":true,"M":true}')
    ).toEqual({
      _tag: "Trade",
      trade: { symbol: "XRPETH", firstId: 100, lastId: 102, price: 141_342n, qty: 2_300_000_000n, time: 1570752011620, buyerIsMaker: true }
    })
    expect(decodeFrame('{"stream":"!serverShutdown","data":{"e":"serverShutdown","E":1778000000000}}')).toEqual({ _tag: "ServerShutdown", time: 1778000000000 })
  })

  it("rejects malformed frames, saying which field and why", () => {
    expect(errorOf(TRADE.replace('"p":"61837.63000000"', '"p":61837.63'))).toMatch(/\["data"\]\["p"\]/)
    expect(errorOf(TRADE.replace('"p":"61837.63000000"', '"p":"-1"'))).toMatch(/at most 8 places.*"-1"/s)
    expect(errorOf(TRADE.replace('"s":"BTCUSDT"', '"s":"btcusdt"'))).toMatch(/upper-case[\s\S]*at \["data"\]\["s"\]/)
    expect(errorOf(TRADE.replace(',"t":3735683259', ""))).toMatch(/\["t"\]/)
    expect(errorOf(TRADE.slice(0, 80))).toMatch(/JSON/i)
    expect(errorOf('{"result":null,"id":1}')).not.toBe("")
  })

  it("the fast scanner agrees with the schema on every real frame", () => {
    const decodeSchema = Schema.decodeUnknownSync(StreamFrameFromJson)
    for (const frame of recordingFramesOrNone()) {
      const fast = scanTradeFrame(frame)
      expect(fast).toBeDefined()
      const slow = decodeSchema(frame)
      const event = "stream" in slow ? slow.data : slow
      expect(event.e === "trade" && { id: event.t, p: event.p, q: event.q, T: event.T, m: event.m }).toEqual({
        id: fast?.firstId,
        p: fast?.price,
        q: fast?.qty,
        T: fast?.time,
        m: fast?.buyerIsMaker
      })
    }
  })

  it("the fast scanner reads large and small decimals exactly", () => {
    for (const [p, units] of [
      ["123456789012345", 12_345_678_901_234_500_000_000n],
      ["99999999.99999999", 9_999_999_999_999_999n],
      ["90071992.54740993", 9_007_199_254_740_993n],
      ["0.00000001", 1n],
      ["0", 0n],
      ["1234567890123456789.12345678", 123_456_789_012_345_678_912_345_678n]
    ] as const) {
      const frame = TRADE.replace('"p":"61837.63000000"', `"p":"${p}"`)
      expect(scanTradeFrame(frame)?.price, p).toBe(units)
      expect(Schema.decodeUnknownSync(Units8)(p)).toBe(units)
    }
  })

  it("the fast scanner accepts only what the schema accepts, with the same result, on mutated frames", () => {
    const decodeSchema = Schema.decodeUnknownResult(StreamFrameFromJson)
    fc.assert(
      fc.property(fc.nat(TRADE.length - 1), fc.nat(TRADE.length), fc.string({ maxLength: 4 }), (at, length, insert) => {
        const mutated = TRADE.slice(0, at) + insert + TRADE.slice(Math.min(TRADE.length, at + (length % 5)))
        const fast = scanTradeFrame(mutated)
        if (fast === undefined) return // the schema decides, as decodeFrame does
        const slow = decodeSchema(mutated)
        expect(Result.isSuccess(slow)).toBe(true)
        expect(decodeFrame(mutated)).toEqual({ _tag: "Trade", trade: fast })
      }),
      { numRuns: 3000 }
    )
  })
})

/** Without the recording this still runs, on the one frame written above. */
const recordingFramesOrNone = () => (hasSharedData ? recordingFrames() : [TRADE])

describeWithSharedData("the real recording", () => {
  it("decodes all 34,419 frames as trades", () => {
    const frames = recordingFrames()
    expect(frames).toHaveLength(34_419)
    expect(frames.filter((f) => decodeFrame(f)._tag === "Trade")).toHaveLength(34_419)
  })
})

describe("public-archive rows", () => {
  it("detects the layout and the time unit, and maps both layouts to trades", () => {
    const agg = "13519807,0.00141342,23.00000000,15373518,15373520,1570752011620,True,True".split(",")
    expect(detectArchiveFormat(agg)).toEqual({ layout: "aggTrades", unit: "millisecond" })
    expect(Result.getOrThrow(decodeArchiveRow({ layout: "aggTrades", unit: "millisecond" }, "XRPETH", agg))).toEqual({
      symbol: "XRPETH",
      firstId: 15373518,
      lastId: 15373520,
      price: 141_342n,
      qty: 2_300_000_000n,
      time: 1570752011620,
      buyerIsMaker: true
    })
    const raw = "4321061345,94200.01000000,0.00053000,49.92600530,1735689600123456,False,True".split(",")
    expect(detectArchiveFormat(raw)).toEqual({ layout: "trades", unit: "microsecond" })
    expect(Result.getOrThrow(decodeArchiveRow({ layout: "trades", unit: "microsecond" }, "BTCUSDT", raw))).toEqual({
      symbol: "BTCUSDT",
      firstId: 4321061345,
      lastId: 4321061345,
      price: 9_420_001_000_000n,
      qty: 53_000n,
      time: 1735689600123,
      buyerIsMaker: false
    })
  })

  it("rejects a row in the other time unit, or with a bad field, naming the column", () => {
    const millisRow = "1,1.0,1.0,1.0,1570752011620,True,True".split(",")
    const wrongUnit = decodeArchiveRow({ layout: "trades", unit: "microsecond" }, "BTCUSDT", millisRow)
    expect(Result.isFailure(wrongUnit) && wrongUnit.failure).toMatch(/microseconds: 16 digits\s+in column 5 \(time\)/)
    const badPrice = decodeArchiveRow({ layout: "trades", unit: "millisecond" }, "BTCUSDT", "1,abc,1.0,1.0,1570752011620,True,True".split(","))
    expect(Result.isFailure(badPrice) && badPrice.failure).toMatch(/"abc"\s+in column 2 \(price\)/)
    const badFlag = decodeArchiveRow({ layout: "trades", unit: "millisecond" }, "BTCUSDT", "1,1.0,1.0,1.0,1570752011620,yes,True".split(","))
    expect(Result.isFailure(badFlag) && badFlag.failure).toMatch(/in column 6 \(isBuyerMaker\)/)
  })
})

const candle: Candle = {
  symbol: "BTCUSDT",
  interval: "1m",
  openTime: 1723161240000,
  open: 6_183_763_000_000n,
  high: 6_183_763_000_000n,
  low: 6_183_763_000_000n,
  close: 6_183_763_000_000n,
  volume: 2_000_000n,
  closeTime: 1723161299999,
  quoteVolume: 6_183_763_000_000n * 2_000_000n,
  trades: 1,
  takerBuyBaseVolume: 0n,
  takerBuyQuoteVolume: 0n,
  ignore: "0",
  firstTradeId: 3735683259,
  lastTradeId: 3735683259,
  complete: true
}

describe("TradeBatch", () => {
  const batch: TradeBatch = {
    shard: 3,
    epoch: 1,
    symbols: [
      { symbol: "BTCUSDT", watermark: 1723161255343, trades: [[3735683259, 6_183_763_000_000n, 2_000_000n, 1723161255342, true]] },
      { symbol: "ETHUSDT", watermark: 1723161255612, trades: [] }
    ]
  }

  it("round-trips through JSON with decimals as strings", () => {
    const json = Schema.encodeSync(TradeBatchFromJson)(batch)
    expect(json).toContain('"61837.63000000"')
    expect(Schema.decodeUnknownSync(TradeBatchFromJson)(json)).toEqual(batch)
  })

  it("has a direct JSON encoder that writes exactly what the schema writes", () => {
    const arbitraryBatch = fc.record({
      shard: fc.nat(63),
      epoch: fc.nat(1000),
      symbols: fc.array(
        fc.record({
          symbol: fc.constantFrom("BTCUSDT", "ETHUSDT", "XRPETH"),
          watermark: fc.nat(2 ** 45),
          trades: fc
            .uniqueArray(
              fc.tuple(fc.nat(2 ** 40), fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.nat(2 ** 45), fc.boolean()),
              { maxLength: 5, selector: (t) => t[0] }
            )
            .map((ts) => ts.sort((a, b) => a[0] - b[0]))
        }),
        { minLength: 1, maxLength: 3 }
      )
    })
    fc.assert(
      fc.property(arbitraryBatch, (b) => {
        expect(encodeTradeBatchJson(b)).toBe(Schema.encodeSync(TradeBatchFromJson)(b))
      })
    )
  })

  it("rejects trades out of id order, and empty batches", () => {
    const twisted = JSON.stringify({
      shard: 0,
      epoch: 0,
      symbols: [
        {
          symbol: "BTCUSDT",
          watermark: 2,
          trades: [
            [2, "1", "1", 1, true],
            [1, "1", "1", 1, true]
          ]
        }
      ]
    })
    expect(() => Schema.decodeUnknownSync(TradeBatchFromJson)(twisted)).toThrow(/ascending id order at index 1/)
    expect(() => Schema.decodeUnknownSync(TradeBatchFromJson)('{"shard":0,"epoch":0,"symbols":[]}')).toThrow(/symbols/)
  })

  it("puts a symbol in the same shard every time", () => {
    expect(shardOf("BTCUSDT", 8)).toBe(shardOf("BTCUSDT", 8))
    const shards = new Set(["BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT", "ADAUSDT", "DOGEUSDT", "TRXUSDT"].map((s) => shardOf(s, 4)))
    expect(shards.size).toBeGreaterThan(1)
  })
})

describe("domain events", () => {
  const anomaly = anomalyDetected({ rule: "price_movement", severity: "high", metrics: { changePct: 11.2 }, threshold: 5, candle })
  const events = [
    candleClosed(candle),
    candleRevised({ ...candle, complete: false }),
    dataGapDetected({ symbol: "BTCUSDT", fromId: 5, toId: 9, fromTime: 1, toTime: 2 }),
    dataGapFilled({ symbol: "BTCUSDT", fromId: 5, toId: 9, fromTime: 1, toTime: 2 }),
    dataGapOverdue({ symbol: "BTCUSDT", fromId: 5, toId: 9, fromTime: 1, toTime: 2, openMillis: 600_000, attempts: 9, reason: "REST answered 418" }),
    candleRetracted("BTCUSDT", "1m", 60_000, "the exchange has no kline for it: the symbol was halted"),
    anomaly,
    alertSent({ anomalyId: anomaly.id, symbol: "BTCUSDT", interval: "1m", rule: "price_movement", state: "firing", channel: "sns", sentAt: 5 })
  ]

  it("round-trip through JSON, and their ids depend only on their content", () => {
    for (const event of events) {
      const json = Schema.encodeSync(DomainEventFromJson)(event)
      expect(Schema.decodeUnknownSync(DomainEventFromJson)(json)).toEqual(event)
    }
    expect(candleClosed(structuredClone(candle)).id).toBe(events[0]!.id)
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length)
    expect(candleRevised({ ...candle, complete: true }).id).not.toBe(events[1]!.id)
  })

  it("reject an event with a wrong field, naming it", () => {
    const json = Schema.encodeSync(DomainEventFromJson)(events[0]!).replace('"interval":"1m"', '"interval":"2m"')
    expect(() => Schema.decodeUnknownSync(DomainEventFromJson)(json)).toThrow(/interval/)
  })
})
