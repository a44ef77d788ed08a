/**
 * The engine's state on AWS: a DynamoDB table with partition `symbol`; the engine's snapshot,
 * gzipped JSON, in `body` (written once a minute per symbol: gzip takes it from three write units
 * to one) and a `version`, written with a condition on the version read, so two processors cannot
 * both save over one state.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb"
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb"
import { Effect, Layer, Schema } from "effect"
import { SymbolSnapshot } from "@blockchaincore/core/candle/EngineSnapshot"
import { EngineStateStore, type VersionedState } from "@blockchaincore/core/ports/EngineStateStore"
import { StoreUnavailable } from "@blockchaincore/core/ports/StoreErrors"
import { attemptDynamo } from "./DynamoWrites.ts"
import { gzippedJson } from "./GzippedJson.ts"
import { putVersioned } from "./VersionedPut.ts"
import { WITH_GAPS_INDEX } from "./Tables.ts"

interface DynamoEngineStateStoreOptions {
  readonly client: DynamoDBClient
  readonly stateTable: string
}

const StateBody = gzippedJson(SymbolSnapshot)
const StateItem = Schema.Struct({ symbol: Schema.String, version: Schema.Int, body: StateBody })
const SymbolKey = Schema.Struct({ symbol: Schema.String })
/** The value of `withGaps` on a state holding an open gap: the index's one partition. */
const WITH_GAPS = "yes"

/** DynamoDB's item limit is 400 KB, the attribute names and key included: room is left for them. */
const STATE_ITEM_LIMIT_BYTES = 390 * 1024

export const makeDynamoEngineStateStore = (options: DynamoEngineStateStoreOptions): EngineStateStore["Service"] => {
  const doc = DynamoDBDocumentClient.from(options.client)
  const encodeState = Schema.encodeSync(StateBody)
  return EngineStateStore.of({
    loadState: (symbol) =>
      attemptDynamo("loadState", () => doc.send(new GetCommand({ TableName: options.stateTable, Key: { symbol }, ConsistentRead: true }))).pipe(
        Effect.flatMap(
          (out): Effect.Effect<VersionedState, StoreUnavailable> =>
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
        return Effect.fail(
          new StoreUnavailable({ message: `state of ${symbol} is ${Math.round(body.byteLength / 1024)} KB gzipped, over DynamoDB's 400 KB item limit` })
        )
      }
      // Only a state with an open gap carries `withGaps`, so the index holds just those.
      const attributes = state.gaps.length > 0 ? { body, withGaps: WITH_GAPS } : { body }
      return putVersioned(doc, { table: options.stateTable, key: ["symbol", symbol], expectedVersion, attributes })
    },
    symbolsWithGaps: Effect.gen(function* () {
      const symbols: Array<string> = []
      let start: Record<string, unknown> | undefined
      do {
        const page = yield* attemptDynamo("symbolsWithGaps", () =>
          doc.send(
            new QueryCommand({
              TableName: options.stateTable,
              IndexName: WITH_GAPS_INDEX,
              KeyConditionExpression: "withGaps = :yes",
              ExpressionAttributeValues: { ":yes": WITH_GAPS },
              ExclusiveStartKey: start
            })
          )
        )
        for (const item of page.Items ?? []) {
          const decoded = Schema.decodeUnknownResult(SymbolKey)(item)
          if (decoded._tag === "Success") symbols.push(decoded.success.symbol)
        }
        start = page.LastEvaluatedKey
      } while (start !== undefined)
      return symbols
    })
  })
}

export const layerDynamoEngineStateStore = (options: DynamoEngineStateStoreOptions): Layer.Layer<EngineStateStore> =>
  Layer.succeed(EngineStateStore, makeDynamoEngineStateStore(options))
