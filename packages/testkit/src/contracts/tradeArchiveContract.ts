/**
 * What every trade archive does (local files with DuckDB, S3): staged trades become one Parquet
 * file per symbol and hour under the Glue tables' partitions, each trade once and every digit
 * exact; a trade staged late is merged into its hour's file, never a thinner one; a day's candles
 * become that day's file.
 */
import { DuckDBInstance } from "@duckdb/node-api"
import { describe, expect, it } from "vitest"
import type { Candle } from "@blockchaincore/core/candle/Candle"
import { formatUnits, PRICE_SCALE } from "@blockchaincore/core/decimal/Decimal"
import type { ArchivedTrade, TradeArchive } from "@blockchaincore/core/ports/TradeArchive"
import type { TradeStaging } from "@blockchaincore/core/ports/TradeStaging"
import { utcDayOf } from "@blockchaincore/core/time/UtcTime"
import { candleAt, tradeAt } from "../builders.ts"
import { type Fresh, run, withFresh } from "./freshStore.ts"

export interface ArchiveUnderTest {
  readonly staging: TradeStaging["Service"]
  readonly archive: TradeArchive["Service"]
  /** Where the archive's file `key` (e.g. trades/symbol=…/date=…/hour=…/trades.parquet) can be read here; undefined if it has none. */
  readonly fileOf: (key: string) => Promise<string | undefined>
}

const HOUR = Date.UTC(2024, 7, 8, 23)
const HOUR_MILLIS = 3_600_000

const rowsOf = async (file: string, sql: string) => {
  const duck = await DuckDBInstance.create(":memory:")
  const connection = await duck.connect()
  try {
    return (await connection.runAndReadAll(sql.replace("FILE", `read_parquet('${file}', hive_partitioning = false)`))).getRowObjectsJson()
  } finally {
    connection.closeSync()
  }
}

const tradesIn = async (fileOf: ArchiveUnderTest["fileOf"], symbol: string, hourStart: number) => {
  const key = `trades/symbol=${symbol}/date=${utcDayOf(hourStart)}/hour=${new Date(hourStart).toISOString().slice(11, 13)}/trades.parquet`
  const file = await fileOf(key)
  if (file === undefined) return undefined
  const rows = await rowsOf(
    file,
    "SELECT trade_id, CAST(price AS VARCHAR) AS price, CAST(qty AS VARCHAR) AS qty, trade_time, is_large FROM FILE ORDER BY trade_id"
  )
  return rows.map((r) => [Number(r["trade_id"]), r["price"], r["qty"], Number(r["trade_time"]), r["is_large"]])
}

const asRows = (trades: ReadonlyArray<ArchivedTrade>) =>
  trades.map((t) => [t.firstId, formatUnits(t.price, PRICE_SCALE, 8), formatUnits(t.qty, PRICE_SCALE, 8), t.time, t.large])

/** A trade with decimals at the edges: the largest price a DECIMAL(38,8) of Binance's ticks holds, the smallest quantity. */
const extreme = (id: number, time: number): ArchivedTrade => ({ ...tradeAt("BTCUSDT", id, time), price: 9_223_372_036_854_775_807n, qty: 1n })

export const tradeArchiveContract = (adapter: string, fresh: () => Promise<Fresh<ArchiveUnderTest>>) =>
  describe(`the trade archive contract: ${adapter}`, () => {
    it(
      "archives each trade of the hour once, whatever was staged twice, every digit exact; the next hour's trades wait for theirs",
      withFresh(fresh, async ({ staging, archive, fileOf }) => {
        const trades = [...Array.from({ length: 200 }, (_, i) => tradeAt("BTCUSDT", 1_000 + i, HOUR + i * 17_000)), extreme(1_200, HOUR + 3_599_999)]
        const inHour = trades.filter((t) => t.time < HOUR + HOUR_MILLIS)
        // As the pipe delivers: overlapping parts, one delivered twice, another symbol beside them.
        for (const part of [trades.slice(0, 90), trades.slice(60, 201), trades.slice(0, 90), [tradeAt("ETHUSDT", 7, HOUR + 5)]]) await run(staging.stage(part))
        expect(await run(archive.compactHour("BTCUSDT", HOUR))).toBe(inHour.length)
        expect(await tradesIn(fileOf, "BTCUSDT", HOUR)).toEqual(asRows(inHour))
        expect(await tradesIn(fileOf, "BTCUSDT", HOUR + HOUR_MILLIS)).toBeUndefined()
        expect(await tradesIn(fileOf, "ETHUSDT", HOUR)).toBeUndefined()
      })
    )

    it(
      "merges a trade staged after its hour was compacted into the hour's file",
      withFresh(fresh, async ({ staging, archive, fileOf }) => {
        const first = Array.from({ length: 20 }, (_, i) => tradeAt("BTCUSDT", 10 + i, HOUR + i * 60_000))
        await run(staging.stage(first))
        await run(archive.compactHour("BTCUSDT", HOUR))
        const late = tradeAt("BTCUSDT", 5, HOUR + 1)
        await run(staging.stage([late]))
        await run(archive.compactHour("BTCUSDT", HOUR))
        expect(await tradesIn(fileOf, "BTCUSDT", HOUR)).toEqual(asRows([late, ...first]))
      })
    )

    it(
      "writes a day's candles of one symbol and interval as that day's file, every digit",
      withFresh(fresh, async ({ archive, fileOf }) => {
        const day = Date.UTC(2024, 7, 8)
        const candles: ReadonlyArray<Candle> = Array.from({ length: 24 }, (_, i) => ({
          ...candleAt("BTCUSDT", day + i * HOUR_MILLIS, "92233720368.54775807"),
          interval: "1h"
        }))
        await run(archive.writeCandles(candles))
        const file = await fileOf(`candles/interval=1h/symbol=BTCUSDT/date=${utcDayOf(day)}/candles.parquet`)
        expect(file).toBeDefined()
        const rows = await rowsOf(file ?? "", "SELECT open_time, CAST(close AS VARCHAR) AS close, trades FROM FILE ORDER BY open_time")
        expect(rows.map((r) => [Number(r["open_time"]), r["close"], Number(r["trades"])])).toEqual(
          candles.map((c) => [c.openTime, "92233720368.54775807", c.trades])
        )
      })
    )
  })
