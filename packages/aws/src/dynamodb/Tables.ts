/**
 * The DynamoDB tables' keys, declared once: `stacks/storage.ts` creates the tables from these and
 * the adapters' tests create the same tables in dynalite.
 */
export interface TableKeys {
  readonly fields: Readonly<Record<string, "string" | "number">>
  readonly hashKey: string
  readonly rangeKey?: string
  /** The attribute holding an item's expiry in epoch seconds, if the table has TTL. */
  readonly ttl?: string
}

export const CANDLES_TABLE: TableKeys = { fields: { series: "string", openTime: "number" }, hashKey: "series", rangeKey: "openTime" }
export const STATE_TABLE: TableKeys = { fields: { symbol: "string" }, hashKey: "symbol" }
export const ALERT_CONDITIONS_TABLE: TableKeys = { fields: { key: "string" }, hashKey: "key", ttl: "expiresAt" }
export const HISTORY_TABLE: TableKeys = { fields: { kind: "string", at: "string" }, hashKey: "kind", rangeKey: "at", ttl: "expiresAt" }
