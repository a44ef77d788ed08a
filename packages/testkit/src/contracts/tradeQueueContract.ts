/**
 * What every trades queue does (the local SQLite queue, SQS FIFO): each batch published comes out
 * once, in the order published within its shard, exactly as it went in. Shards are independent,
 * and no order between them is promised.
 */
import { describe, expect, it } from "vitest"
import type { TradeQueue } from "@blockchaincore/core/ports/TradeQueue"
import type { TradeBatch } from "@blockchaincore/core/trade/TradeBatch"
import { type Fresh, run, withFresh } from "./freshStore.ts"

export interface QueueUnderTest {
  readonly queue: TradeQueue["Service"]
  /** Takes everything the queue holds now off it, in the order it hands batches out. */
  readonly receiveAll: () => Promise<ReadonlyArray<TradeBatch>>
}

const T0 = Date.UTC(2024, 7, 8, 23, 54)

/** Batch `n` of a shard: ids that say where it came from, and the decimals at the edges of what Binance sends. */
const batchOf = (shard: number, n: number): TradeBatch => ({
  shard,
  epoch: 3,
  symbols: [
    {
      symbol: `S${shard}USDT`,
      watermark: T0 + n * 1_000,
      trades: [
        [n * 10 + 1, 6_183_763_000_000n, 1n, T0 + n * 1_000 - 1, true],
        // 92,233,720,368.54775807 at eight decimals: past what a double holds exactly.
        [n * 10 + 2, 9_223_372_036_854_775_807n, 123_456_789_012_345_678n, T0 + n * 1_000, false]
      ]
    }
  ]
})

const inShard = (batches: ReadonlyArray<TradeBatch>, shard: number) => batches.filter((b) => b.shard === shard)

export const tradeQueueContract = (adapter: string, fresh: () => Promise<Fresh<QueueUnderTest>>) =>
  describe(`the trades queue contract: ${adapter}`, () => {
    it(
      "hands out every batch once, in the order published within its shard, across publishes larger than one request",
      withFresh(fresh, async ({ queue, receiveAll }) => {
        // Interleaved shards, 36 batches in one publish (SQS takes 10 a request), then 9 more.
        const first = Array.from({ length: 12 }, (_, n) => [0, 1, 2].map((shard) => batchOf(shard, n))).flat()
        const second = Array.from({ length: 3 }, (_, n) => [2, 0, 1].map((shard) => batchOf(shard, 12 + n))).flat()
        await run(queue.publish(first))
        await run(queue.publish(second))
        const received = await receiveAll()
        expect(received).toHaveLength(first.length + second.length)
        for (const shard of [0, 1, 2]) expect(inShard(received, shard)).toEqual(inShard([...first, ...second], shard))
      })
    )

    it(
      "keeps what a batch carries besides its trades: the confirmation, the trading words, the opening and the trace",
      withFresh(fresh, async ({ queue, receiveAll }) => {
        const batch: TradeBatch = {
          shard: 4,
          epoch: 1,
          traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
          symbols: [
            {
              symbol: "BTCUSDT",
              watermark: T0,
              trades: [],
              confirmed: { lastId: 41, time: T0 - 1 },
              statuses: [
                { trading: false, time: T0 - 120_000 },
                { trading: true, time: T0 - 60_000 }
              ],
              opening: {
                beforeId: 40,
                firstId: 30,
                seeds: [
                  {
                    interval: "5m",
                    openTime: T0 - 240_000,
                    minutes: 4,
                    trades: 9,
                    open: 1n,
                    high: 9_223_372_036_854_775_807n,
                    low: 1n,
                    close: 2n,
                    volume: 3n,
                    quoteVolume: 4n,
                    takerBuyBaseVolume: 0n,
                    takerBuyQuoteVolume: 0n
                  }
                ]
              }
            }
          ]
        }
        await run(queue.publish([batch]))
        expect(await receiveAll()).toEqual([batch])
      })
    )

    it(
      "puts nothing on the queue for an empty publish",
      withFresh(fresh, async ({ queue, receiveAll }) => {
        await run(queue.publish([]))
        expect(await receiveAll()).toEqual([])
      })
    )
  })
