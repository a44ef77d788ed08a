/**
 * The candle store on AWS: two DynamoDB tables through the document client.
 * - candles: partition `series` ("BTCUSDT#1m"), sort `openTime`; the candle as its schema's JSON
 *   in `body`, so prices and volumes stay the exact decimal strings of the contract (a DynamoDB
 *   number would come back as a JavaScript float).
 * - state: partition `symbol`; the engine's snapshot, gzipped JSON, in `body` (written once a
 *   minute per symbol: gzip takes it from three write units to one) and a `version`, written with
 *   a condition on the version read, so two processors cannot both save over one state.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb"
import { DynamoDBDocumentClient, GetCommand, QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb"
import { Effect, Layer, Schema } from "effect"
import { Candle } from "@blockchaincore/core/candle/Candle"
import { SymbolSnapshot } from "@blockchaincore/core/candle/EngineSnapshot"
import { CandleStore, StoreUnavailable, type VersionedState } from "@blockchaincore/core/ports/CandleStore"
import { attemptDynamo, writeAll } from "./DynamoWrites.ts"
import { putVersioned } from "./VersionedPut.ts"
import { gzippedJson } from "./GzippedJson.ts"

export interface DynamoCandleStoreOptions {
  readonly client: DynamoDBClient
  readonly candlesTable: string
  readonly stateTable: string
}

const CandleJson = Schema.fromJsonString(Candle)
const StateBody = gzippedJson(SymbolSnapshot)
const StateItem = Schema.Struct({ symbol: Schema.String, version: Schema.Int, body: StateBody })
const CandleItem = Schema.Struct({ body: CandleJson })
const SymbolItem = Schema.Struct({ symbol: Schema.String })

export const seriesOf = (symbol: string, interval: string) => `${symbol}#${interval}`

/** DynamoDB's item limit is 400 KB, the attribute names and key included: room is left for them. */
export const STATE_ITEM_LIMIT_BYTES = 390 * 1024

export const makeDynamoCandleStore = (options: DynamoCandleStoreOptions): CandleStore["Service"] => {
  const doc = DynamoDBDocumentClient.from(options.client)
  const encodeCandle = Schema.encodeSync(CandleJson)
  const encodeState = Schema.encodeSync(StateBody)
  return CandleStore.of({
    loadState: (symbol) =>
      attemptDynamo("loadState", () => doc.send(new GetCommand({ TableName: options.stateTable, Key: { symbol }, ConsistentRead: true }))).pipe(
        Effect.flatMap((out): Effect.Effect<VersionedState, StoreUnavailable> =>
          out.Item === undefined
            ? Effect.succeed({ version: 0, state: undefined })
            : Schema.decodeUnknownEffect(StateItem)(out.Item).pipe(
              Effect.map((item) => ({ version: item.version, state: item.body })),
              Effect.mapError((e) => new StoreUnavailable({ message: `state of ${symbol} in ${options.stateTable} is corrupt: ${e.message}` }))
            )
        )
      ),
    saveState: (symbol, state, expectedVersion) => {
      const body = encodeState(state)
      // The engine's gap horizon keeps a state far smaller; past DynamoDB's item limit the put could never succeed.
      if (body.byteLength > STATE_ITEM_LIMIT_BYTES) {
        return Effect.fail(new StoreUnavailable({ message: `state of ${symbol} is ${Math.round(body.byteLength / 1024)} KB gzipped, over DynamoDB's 400 KB item limit` }))
      }
      return putVersioned(doc, { table: options.stateTable, key: ["symbol", symbol], expectedVersion, attributes: { body } })
    },
    putCandles: (candles) =>
      writeAll(
        doc,
        options.candlesTable,
        // One write per window: a batch holding a candle and its revision keeps the last.
        [...new Map(candles.map((c) => [`${c.symbol}#${c.interval}#${c.openTime}`, c])).values()].map((c) => ({
          series: seriesOf(c.symbol, c.interval),
          openTime: c.openTime,
          symbol: c.symbol,
          body: encodeCandle(c)
        }))
      ),
    candles: (q) =>
      Effect.gen(function*() {
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
                ExclusiveStartKey: start
              })
            ))
          for (const item of page.Items ?? []) {
            out.push((yield* Schema.decodeUnknownEffect(CandleItem)(item).pipe(Effect.mapError((e) => new StoreUnavailable({ message: `corrupt candle in ${options.candlesTable}: ${e.message}` })))).body)
          }
          start = page.LastEvaluatedKey
        } while (start !== undefined && out.length < q.limit)
        return forward ? out : out.reverse()
      }),
    symbols: () =>
      Effect.gen(function*() {
        const symbols: Array<string> = []
        let start: Record<string, unknown> | undefined
        do {
          const page = yield* attemptDynamo("symbols", () => doc.send(new ScanCommand({ TableName: options.stateTable, ProjectionExpression: "#symbol", ExpressionAttributeNames: { "#symbol": "symbol" }, ExclusiveStartKey: start })))
          for (const item of page.Items ?? []) {
            const decoded = Schema.decodeUnknownResult(SymbolItem)(item)
            if (decoded._tag === "Success") symbols.push(decoded.success.symbol)
          }
          start = page.LastEvaluatedKey
        } while (start !== undefined)
        return symbols.sort()
      })
  })
}

export const layerDynamoCandleStore = (options: DynamoCandleStoreOptions): Layer.Layer<CandleStore> => Layer.succeed(CandleStore, makeDynamoCandleStore(options))
