/**
 * The candle store on AWS: a DynamoDB table through the document client, partition `series`
 * ("BTCUSDT#1m"), sort `openTime`; the candle as its schema's JSON in `body`, so prices and
 * volumes stay the exact decimal strings of the contract (a DynamoDB number would come back as a
 * JavaScript float). The symbols are those with candles, as on every candle store: each has a
 * marker item (`<symbol>#listed`) whose `listed` attribute puts it in the table's keys-only
 * `Symbols` index, so listing them is one query of as many items as symbols, never a scan of
 * the candles. A process writes a symbol's marker once, with its first candles.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb"
import { DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb"
import { Effect, Layer, Schema } from "effect"
import { Candle } from "@blockchaincore/core/candle/Candle"
import { CandleStore } from "@blockchaincore/core/ports/CandleStore"
import { StoreUnavailable } from "@blockchaincore/core/ports/StoreErrors"
import { attemptDynamo, deleteAll, writeAll } from "./DynamoWrites.ts"
import { SYMBOLS_INDEX } from "./Tables.ts"

interface DynamoCandleStoreOptions {
  readonly client: DynamoDBClient
  readonly candlesTable: string
}

/** The value of `listed` on every marker: the `Symbols` index's one partition. */
const LISTED = "symbol"
const markerOf = (symbol: string) => ({ series: `${symbol}#listed`, openTime: 0, listed: LISTED, symbol })

const CandleJson = Schema.fromJsonString(Candle)
const CandleItem = Schema.Struct({ body: CandleJson })
const SymbolItem = Schema.Struct({ symbol: Schema.String })

const seriesOf = (symbol: string, interval: string) => `${symbol}#${interval}`

export const makeDynamoCandleStore = (options: DynamoCandleStoreOptions): CandleStore["Service"] => {
  const doc = DynamoDBDocumentClient.from(options.client)
  const encodeCandle = Schema.encodeSync(CandleJson)
  const marked = new Set<string>()
  return CandleStore.of({
    putCandles: (candles) => {
      const unmarked = [...new Set(candles.map((c) => c.symbol))].filter((s) => !marked.has(s))
      return writeAll(doc, options.candlesTable, [
        // One write per window: a batch holding a candle and its revision keeps the last.
        ...[...new Map(candles.map((c) => [`${c.symbol}#${c.interval}#${c.openTime}`, c])).values()].map((c) => ({
          series: seriesOf(c.symbol, c.interval),
          openTime: c.openTime,
          symbol: c.symbol,
          body: encodeCandle(c)
        })),
        ...unmarked.map(markerOf)
      ]).pipe(Effect.tap(() => Effect.sync(() => unmarked.forEach((s) => marked.add(s)))))
    },
    deleteCandles: (keys) =>
      deleteAll(
        doc,
        options.candlesTable,
        [...new Map(keys.map((k) => [`${k.symbol}#${k.interval}#${k.openTime}`, k])).values()].map((k) => ({
          series: seriesOf(k.symbol, k.interval),
          openTime: k.openTime
        }))
      ),
    candles: Effect.fn("DynamoCandleStore.candles")(function* (q) {
      // Binance's klines: with a start, the first `limit` from it; without, the most recent.
      const forward = q.startTime !== undefined
      const out: Array<Candle> = []
      let start: Record<string, unknown> | undefined
      do {
        const page = yield* attemptDynamo("candles", () =>
          doc.send(
            new QueryCommand({
              TableName: options.candlesTable,
              KeyConditionExpression: "series = :series AND openTime BETWEEN :from AND :to",
              ExpressionAttributeValues: { ":series": seriesOf(q.symbol, q.interval), ":from": q.startTime ?? 0, ":to": q.endTime ?? Number.MAX_SAFE_INTEGER },
              ScanIndexForward: forward,
              Limit: q.limit - out.length,
              ExclusiveStartKey: start,
              ...(q.consistent === true ? { ConsistentRead: true } : {})
            })
          )
        )
        for (const item of page.Items ?? []) {
          out.push(
            (yield* Schema.decodeUnknownEffect(CandleItem)(item).pipe(
              Effect.mapError((e) => new StoreUnavailable({ message: `corrupt candle in ${options.candlesTable}: ${e.message}` }))
            )).body
          )
        }
        start = page.LastEvaluatedKey
      } while (start !== undefined && out.length < q.limit)
      return forward ? out : out.reverse()
    }),
    symbols: Effect.fn("DynamoCandleStore.symbols")(function* () {
      const symbols: Array<string> = []
      let start: Record<string, unknown> | undefined
      do {
        const page = yield* attemptDynamo("symbols", () =>
          doc.send(
            new QueryCommand({
              TableName: options.candlesTable,
              IndexName: SYMBOLS_INDEX,
              KeyConditionExpression: "listed = :listed",
              ExpressionAttributeValues: { ":listed": LISTED },
              ExclusiveStartKey: start
            })
          )
        )
        for (const item of page.Items ?? []) {
          const decoded = Schema.decodeUnknownResult(SymbolItem)(item)
          if (decoded._tag === "Success") symbols.push(decoded.success.symbol)
        }
        start = page.LastEvaluatedKey
      } while (start !== undefined)
      return symbols
    })
  })
}

export const layerDynamoCandleStore = (options: DynamoCandleStoreOptions): Layer.Layer<CandleStore> =>
  Layer.succeed(CandleStore, makeDynamoCandleStore(options))
