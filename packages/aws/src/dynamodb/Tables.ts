/**
 * The DynamoDB tables' keys, declared once: `stacks/storage.ts` creates the tables from these and
 * the adapters' tests create the same tables in dynalite and moto (`createTableInput`).
 */
import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb"

export interface TableKeys {
  readonly fields: Readonly<Record<string, "string" | "number">>
  readonly hashKey: string
  readonly rangeKey?: string
  /** The attribute holding an item's expiry in epoch seconds, if the table has TTL. */
  readonly ttl?: string
  /** Global secondary indexes, keys only: each holds just the items that have its hash key. */
  readonly indexes?: Readonly<Record<string, { readonly hashKey: string; readonly rangeKey: string }>>
}

/** The candles table's index of symbols: one marker item per symbol with candles (DynamoCandleStore). */
export const SYMBOLS_INDEX = "Symbols"

export const CANDLES_TABLE: TableKeys = {
  fields: { series: "string", openTime: "number", listed: "string", symbol: "string" },
  hashKey: "series",
  rangeKey: "openTime",
  indexes: { [SYMBOLS_INDEX]: { hashKey: "listed", rangeKey: "symbol" } }
}
/** The state table's index of the symbols whose state holds an open gap (DynamoEngineStateStore). */
export const WITH_GAPS_INDEX = "WithGaps"

export const STATE_TABLE: TableKeys = {
  fields: { symbol: "string", withGaps: "string" },
  hashKey: "symbol",
  indexes: { [WITH_GAPS_INDEX]: { hashKey: "withGaps", rangeKey: "symbol" } }
}
export const ALERT_CONDITIONS_TABLE: TableKeys = { fields: { key: "string" }, hashKey: "key", ttl: "expiresAt" }
export const HISTORY_TABLE: TableKeys = { fields: { kind: "string", at: "string" }, hashKey: "kind", rangeKey: "at", ttl: "expiresAt" }

/** The table as DynamoDB's CreateTable takes it, for the emulators: the stage's own keys and indexes. */
export const createTableInput = (name: string, keys: TableKeys): CreateTableCommandInput => ({
  TableName: name,
  BillingMode: "PAY_PER_REQUEST",
  AttributeDefinitions: Object.entries(keys.fields).map(([AttributeName, type]) => ({ AttributeName, AttributeType: type === "string" ? "S" : "N" })),
  KeySchema: [
    { AttributeName: keys.hashKey, KeyType: "HASH" },
    ...(keys.rangeKey === undefined ? [] : [{ AttributeName: keys.rangeKey, KeyType: "RANGE" as const }])
  ],
  ...(keys.indexes === undefined
    ? {}
    : {
        GlobalSecondaryIndexes: Object.entries(keys.indexes).map(([IndexName, index]) => ({
          IndexName,
          KeySchema: [
            { AttributeName: index.hashKey, KeyType: "HASH" as const },
            { AttributeName: index.rangeKey, KeyType: "RANGE" as const }
          ],
          Projection: { ProjectionType: "KEYS_ONLY" as const }
        }))
      })
})

/** Tables by name, as the emulators create them (`startDynalite(tablesNamed({ candles: CANDLES_TABLE }))`). */
export const tablesNamed = (tables: Readonly<Record<string, TableKeys>>): Array<CreateTableCommandInput> =>
  Object.entries(tables).map(([name, keys]) => createTableInput(name, keys))
