/**
 * The one optimistic write: an item put only if nobody wrote it since it was read at
 * `expectedVersion` (0: only if it does not exist yet), carrying `expectedVersion + 1`. A
 * write that lost the race is `VersionConflict` (read again, redo the work); anything else
 * is `StoreUnavailable`. The engine's state and the alert conditions are both kept this way.
 */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb"
import { type DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb"
import { Effect } from "effect"
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"
import { StoreUnavailable, VersionConflict } from "@blockchaincore/core/ports/StoreErrors"

export const putVersioned = (
  doc: DynamoDBDocumentClient,
  options: {
    readonly table: string
    /** The key attribute's name and value. */
    readonly key: readonly [string, string]
    readonly expectedVersion: number
    readonly attributes: Record<string, unknown>
  }
): Effect.Effect<number, StoreUnavailable | VersionConflict> => {
  const [keyName, keyValue] = options.key
  const expected = options.expectedVersion
  return Effect.tryPromise({
    try: () =>
      doc.send(
        new PutCommand({
          TableName: options.table,
          Item: { ...options.attributes, [keyName]: keyValue, version: expected + 1 },
          ...(expected === 0
            ? { ConditionExpression: "attribute_not_exists(#key)", ExpressionAttributeNames: { "#key": keyName } }
            : {
                ConditionExpression: "#version = :expected",
                ExpressionAttributeNames: { "#version": "version" },
                ExpressionAttributeValues: { ":expected": expected }
              })
        })
      ),
    catch: (e) =>
      e instanceof ConditionalCheckFailedException
        ? new VersionConflict({ symbol: keyValue, expected })
        : new StoreUnavailable({ message: `put to ${options.table}: ${errorMessage(e)}` })
  }).pipe(Effect.as(expected + 1))
}
