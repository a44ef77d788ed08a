/** The local queue's file: batches written read back equal, in binary or (beyond int64) units JSON. */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { DatabaseSync } from "node:sqlite"
import { Effect } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "@effect/vitest"
import type { TradeBatch } from "@blockchaincore/core/trade/TradeBatch"
import { decodeQueuedBody, encodeQueuedBody } from "../src/sqlite/QueuedBody.ts"
import { SqliteTradeQueue } from "../src/sqlite/SqliteTradeQueue.ts"

const batch = fc
  .record({
    shard: fc.integer({ min: 0, max: 99 }),
    epoch: fc.integer({ min: 0, max: 1000 }),
    symbols: fc.array(
      fc.record({
        symbol: fc.constantFrom("BTCUSDT", "ETHUSDT", "XRPETH"),
        watermark: fc.integer({ min: 0, max: 2 ** 45 }),
        trades: fc
          .uniqueArray(
            fc.tuple(
              fc.integer({ min: 0, max: 2 ** 40 }),
              fc.bigInt({ min: 0n, max: 10n ** 22n }),
              fc.bigInt({ min: 0n, max: 10n ** 18n }),
              fc.integer({ min: 0, max: 2 ** 45 }),
              fc.boolean()
            ),
            { selector: ([id]) => id, maxLength: 20 }
          )
          .map((ts) => [...ts].sort((a, b) => a[0] - b[0]))
      }),
      { minLength: 1, maxLength: 3 }
    )
  })
  .map((b): TradeBatch => b)

describe("the local queue's bodies", () => {
  it("read back the batch written", () => {
    fc.assert(
      fc.property(batch, (b) => {
        expect(decodeQueuedBody(encodeQueuedBody(b))).toEqual(b)
      })
    )
  })

  it("writes a batch whose values fit int64 in binary, and one that does not as units JSON", () => {
    const trades: TradeBatch["symbols"][number]["trades"] = [
      [1, 6_012_345_000_000n, 1_234_000n, 1_723_161_240_123, true],
      [2, 2n ** 63n - 1n, 0n, 1_723_161_240_124, false]
    ]
    const fits: TradeBatch = { shard: 3, epoch: 2, symbols: [{ symbol: "BTCUSDT", watermark: 1_723_161_240_124, trades }] }
    expect(encodeQueuedBody(fits)).toBeInstanceOf(Uint8Array)
    const beyond: TradeBatch = { ...fits, symbols: [{ ...fits.symbols[0]!, trades: [...trades, [3, 2n ** 63n, 1n, 1_723_161_240_125, true]] }] }
    expect(typeof encodeQueuedBody(beyond)).toBe("string")
    expect(decodeQueuedBody(encodeQueuedBody(beyond))).toEqual(beyond)
  })

  it("refuses a binary body cut short, or one whose batch breaks the schema", () => {
    const body = encodeQueuedBody({
      shard: 0,
      epoch: 0,
      symbols: [
        {
          symbol: "BTCUSDT",
          watermark: 2,
          trades: [
            [1, 1n, 1n, 1, true],
            [2, 1n, 1n, 2, false]
          ]
        }
      ]
    })
    expect(body).toBeInstanceOf(Uint8Array)
    if (typeof body === "string") return
    expect(() => decodeQueuedBody(body.subarray(0, body.length - 1))).toThrow(/cannot hold 2 trades/)
    const swapped = encodeQueuedBody({
      shard: 0,
      epoch: 0,
      symbols: [
        {
          symbol: "BTCUSDT",
          watermark: 2,
          trades: [
            [2, 1n, 1n, 1, true],
            [1, 1n, 1n, 2, false]
          ]
        }
      ]
    })
    expect(() => decodeQueuedBody(swapped)).toThrow(/ascending id order/)
  })

  it("refuses a body whose batch breaks the schema (trades out of id order)", () => {
    expect(() =>
      decodeQueuedBody(`u1{"shard":0,"epoch":0,"symbols":[{"symbol":"BTCUSDT","watermark":1,"trades":[[2,"1","1",1,true],[1,"1","1",1,true]]}]}`)
    ).toThrow(/ascending id order/)
  })
})

describe("a queue file from before tracing", () => {
  it.effect("opens with its batches in order, and takes new ones, their trace context kept", () =>
    Effect.gen(function* () {
      const path = join(mkdtempSync(join(tmpdir(), "blockchaincore-old-queue-")), "queue.sqlite")
      const old: TradeBatch = {
        shard: 0,
        epoch: 1,
        symbols: [{ symbol: "BTCUSDT", watermark: 1_000, trades: [[1, 6_000_000_000_000n, 100_000_000n, 1_000, true]] }]
      }
      const db = new DatabaseSync(path)
      db.exec("CREATE TABLE queued (seq INTEGER PRIMARY KEY, shard INTEGER NOT NULL, body TEXT NOT NULL)")
      db.prepare("INSERT INTO queued VALUES (?, ?, ?)").run(1, 0, encodeQueuedBody(old))
      db.close()
      const queue = new SqliteTradeQueue({ path })
      try {
        expect(queue.peek(0)).toEqual(old)
        expect(queue.queuedAt(0)).toBeUndefined()
        const traceparent = `00-${"ab".repeat(16)}-${"cd".repeat(8)}-01`
        yield* queue.publish([{ ...old, epoch: 2, traceparent }])
        queue.ack(0)
        expect(queue.peek(0)).toEqual({ ...old, epoch: 2, traceparent })
      } finally {
        queue.close()
      }
      // And after a restart, from the file.
      const reopened = new SqliteTradeQueue({ path })
      expect(reopened.peek(0)?.traceparent).toMatch(/^00-a/)
      // Queued at the test clock's 0: a time, not "unknown"; and its wait is counted at the first take only.
      expect(reopened.queuedAt(0)).toBe(0)
      expect(reopened.firstTakeOf(0)).toBe(0)
      expect(reopened.firstTakeOf(0)).toBeUndefined()
      reopened.close()
    })
  )
})
