/**
 * DynamoDB calls as Effects: a failed call is `StoreUnavailable` naming the operation, and
 * BatchWriteItem's unprocessed items (DynamoDB's answer to throttling) are written again on the
 * retry schedule until none is left (retry/RetryFailed.ts).
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb"
import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb"
import { Effect } from "effect"
import { chunksOf } from "@blockchaincore/adapters/chunks/chunksOf"
import { StoreUnavailable } from "@blockchaincore/core/ports/StoreErrors"
import { type Outcome, type RetryOptions, sendUntilTaken } from "../retry/RetryFailed.ts"
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"

export const attemptDynamo = <A>(what: string, run: () => Promise<A>) =>
  Effect.tryPromise({ try: run, catch: (e) => new StoreUnavailable({ message: `${what}: ${errorMessage(e)}` }) })

const MAX_BATCH_WRITE = 25
/** Unprocessed items are written again this many times at most (the retry schedule spaces them). */
const WRITE_RETRY: RetryOptions = { maxAttempts: 8, baseDelayMillis: 50 }

type WriteRequest = { readonly PutRequest: { readonly Item: Record<string, unknown> } } | { readonly DeleteRequest: { readonly Key: Record<string, unknown> } }

interface Unprocessed {
  readonly PutRequest?: { readonly Item?: Record<string, unknown> | undefined } | undefined
  readonly DeleteRequest?: { readonly Key?: Record<string, unknown> | undefined } | undefined
}

const unprocessed = (r: Unprocessed): Array<WriteRequest> =>
  r.PutRequest?.Item !== undefined
    ? [{ PutRequest: { Item: r.PutRequest.Item } }]
    : r.DeleteRequest?.Key !== undefined
      ? [{ DeleteRequest: { Key: r.DeleteRequest.Key } }]
      : []

const sendAll = (doc: DynamoDBDocumentClient, table: string, writes: ReadonlyArray<WriteRequest>): Effect.Effect<void, StoreUnavailable> =>
  Effect.forEach(
    chunksOf(writes, { count: MAX_BATCH_WRITE }),
    (chunk) =>
      sendUntilTaken(
        WRITE_RETRY,
        chunk,
        async (requests): Promise<Outcome<WriteRequest>> => {
          const out = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: [...requests] } }))
          const left = (out.UnprocessedItems?.[table] ?? []).flatMap(unprocessed)
          return left.length === 0 ? { _tag: "Done" } : { _tag: "Retry", failed: left, reason: `${left.length} items unprocessed` }
        },
        (reason) => new StoreUnavailable({ message: `batch write to ${table}: ${reason}` })
      ),
    { discard: true }
  )

export const writeAll = (doc: DynamoDBDocumentClient, table: string, items: ReadonlyArray<Record<string, unknown>>): Effect.Effect<void, StoreUnavailable> =>
  sendAll(
    doc,
    table,
    items.map((Item) => ({ PutRequest: { Item } }))
  )

export const deleteAll = (doc: DynamoDBDocumentClient, table: string, keys: ReadonlyArray<Record<string, unknown>>): Effect.Effect<void, StoreUnavailable> =>
  sendAll(
    doc,
    table,
    keys.map((Key) => ({ DeleteRequest: { Key } }))
  )
