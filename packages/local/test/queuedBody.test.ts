/** The local queue's file: batches written as units read back equal, and so do bodies written as decimals by earlier releases. */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { encodeTradeBatchJson, type TradeBatch } from "@blockchaincore/core/trade/TradeBatch"
import { decodeQueuedBody, encodeQueuedBody } from "../src/queue/QueuedBody.ts"

const batch = fc.record({
  shard: fc.integer({ min: 0, max: 99 }),
  epoch: fc.integer({ min: 0, max: 1000 }),
  symbols: fc.array(fc.record({
    symbol: fc.constantFrom("BTCUSDT", "ETHUSDT", "XRPETH"),
    watermark: fc.integer({ min: 0, max: 2 ** 45 }),
    trades: fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 2 ** 40 }), fc.bigInt({ min: 0n, max: 10n ** 22n }), fc.bigInt({ min: 0n, max: 10n ** 18n }), fc.integer({ min: 0, max: 2 ** 45 }), fc.boolean()), { selector: ([id]) => id, maxLength: 20 })
      .map((ts) => [...ts].sort((a, b) => a[0] - b[0]))
  }), { minLength: 1, maxLength: 3 })
}).map((b): TradeBatch => b)

describe("the local queue's bodies", () => {
  it("read back the batch written, in units or, by an earlier release, in decimals", () => {
    fc.assert(fc.property(batch, (b) => {
      expect(decodeQueuedBody(encodeQueuedBody(b))).toEqual(b)
      expect(decodeQueuedBody(encodeTradeBatchJson(b))).toEqual(b)
    }))
  })

  it("refuses a body whose batch breaks the schema (trades out of id order)", () => {
    expect(() => decodeQueuedBody(`u1{"shard":0,"epoch":0,"symbols":[{"symbol":"BTCUSDT","watermark":1,"trades":[[2,"1","1",1,true],[1,"1","1",1,true]]}]}`)).toThrow(/ascending id order/)
  })
})
