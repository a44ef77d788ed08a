/**
 * DynamoDB calls as Effects: a failed call is `StoreUnavailable` naming the operation, and
 * BatchWriteItem's unprocessed items (DynamoDB's answer to throttling) are written again with
 * backoff until none is left.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb"
import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb"
import { Effect } from "effect"
import { StoreUnavailable } from "@blockchaincore/core/ports/CandleStore"

export const attemptDynamo = <A>(what: string, run: () => Promise<A>) =>
  Effect.tryPromise({ try: run, catch: (e) => new StoreUnavailable({ message: `${what}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}` }) })

const MAX_BATCH_WRITE = 25
const MAX_ROUNDS = 8

export const writeAll = (doc: DynamoDBDocumentClient, table: string, items: ReadonlyArray<Record<string, unknown>>): Effect.Effect<void, StoreUnavailable> =>
  Effect.forEach(
    Array.from({ length: Math.ceil(items.length / MAX_BATCH_WRITE) }, (_, i) => items.slice(i * MAX_BATCH_WRITE, (i + 1) * MAX_BATCH_WRITE)),
    (chunk) =>
      Effect.gen(function*() {
        let requests = chunk.map((Item) => ({ PutRequest: { Item } }))
        for (let round = 1; requests.length > 0; round++) {
          const out = yield* attemptDynamo("batch write", () => doc.send(new BatchWriteCommand({ RequestItems: { [table]: requests } })))
          const left = out.UnprocessedItems?.[table] ?? []
          requests = left.flatMap((r) => (r.PutRequest?.Item === undefined ? [] : [{ PutRequest: { Item: r.PutRequest.Item } }]))
          if (requests.length === 0) return
          if (round >= MAX_ROUNDS) return yield* new StoreUnavailable({ message: `batch write to ${table}: ${requests.length} items still unprocessed after ${round} rounds` })
          yield* Effect.sleep(Math.min(5_000, 50 * 2 ** round))
        }
      }),
    { discard: true }
  )
