/// <reference path="../.sst/platform/config.d.ts" />
/**
 * Storage: the DynamoDB tables (candles, per-symbol processor state, alert conditions and the
 * recent anomalies and alerts, both with TTL),
 * the archive bucket (encrypted, never public, staging expiring, old archive moving to cheaper
 * storage), a Glue database whose tables project the archive's Hive partitions (no crawler to
 * run or pay for), and an Athena workgroup with a result location and a per-query scan limit.
 * In `prod` the data stores are retained by the app's removal policy and the tables also keep
 * point-in-time recovery.
 */
import { CANDLE_COLUMNS, CANDLE_PARTITIONS, columnsOf, TRADE_COLUMNS, TRADE_PARTITIONS } from "@blockchaincore/adapters/formats/ArchiveLayout"
import { keptOnRemoval } from "./retention.ts"
import { ALERT_CONDITIONS_TABLE, CANDLES_TABLE, HISTORY_TABLE, STATE_TABLE, type TableKeys } from "@blockchaincore/aws/dynamodb/Tables"

/**
 * Staged trades are compacted within the hour, but a failed compaction's event waits up to 14
 * days in the consumer-failures queue for `aws:redrive`: staging outlives that by a week, so a
 * late redrive still finds its trades.
 */
export const STAGING_EXPIRY_DAYS = 21
/** Prod's overwritten or deleted archive objects are kept this long. */
export const OLD_VERSIONS_DAYS = 30
/** Archive older than this moves to Infrequent Access: queried rarely, kept for ever. */
export const ARCHIVE_TO_IA_DAYS = 30
/** Athena stops (and bills no more than) a query at this many bytes scanned. */
export const ATHENA_SCAN_LIMIT_BYTES = 10 * 1024 ** 3
/** The first day partition projection offers for `date`. */
export const ARCHIVE_FIRST_DATE = "2017-07-14"

const table = (name: string, keys: TableKeys) =>
  new sst.aws.Dynamo(name, {
    fields: keys.fields,
    primaryIndex: keys.rangeKey === undefined ? { hashKey: keys.hashKey } : { hashKey: keys.hashKey, rangeKey: keys.rangeKey },
    ...(keys.ttl === undefined ? {} : { ttl: keys.ttl }),
    ...(keys.indexes === undefined
      ? {}
      : {
          globalIndexes: Object.fromEntries(
            Object.entries(keys.indexes).map(([name, index]) => [name, { hashKey: index.hashKey, rangeKey: index.rangeKey, projection: "keys-only" as const }])
          )
        }),
    deletionProtection: $app.stage === "prod",
    transform: {
      table: (args) => {
        // A customer-visible KMS key (AWS managed) instead of the default AWS-owned one: encryption shows in the console and CloudTrail.
        args.serverSideEncryption = { enabled: true }
        args.pointInTimeRecovery = { enabled: $app.stage === "prod" }
      }
    }
  })

const glueColumns = (columns: string) => columnsOf(columns).map((c) => ({ name: c.name, type: c.type.toLowerCase() }))

export const storage = () => {
  const candles = table("Candles", CANDLES_TABLE)
  const engineState = table("EngineState", STATE_TABLE)
  const alertConditions = table("AlertConditions", ALERT_CONDITIONS_TABLE)
  const history = table("History", HISTORY_TABLE)

  const archive = new sst.aws.Bucket("Archive", { enforceHttps: true })
  new aws.s3.BucketServerSideEncryptionConfiguration("ArchiveEncryption", {
    bucket: archive.name,
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true }]
  })
  // Prod keeps every overwritten or deleted object for a month: a compaction gone wrong is undone.
  const versioned = $app.stage === "prod"
  if (versioned) new aws.s3.BucketVersioning("ArchiveVersioning", { bucket: archive.name, versioningConfiguration: { status: "Enabled" } })
  new aws.s3.BucketLifecycleConfiguration("ArchiveLifecycle", {
    bucket: archive.name,
    rules: [
      ...(versioned ? [{ id: "old-versions-expire", status: "Enabled", filter: {}, noncurrentVersionExpiration: { noncurrentDays: OLD_VERSIONS_DAYS } }] : []),
      { id: "staging-expires", status: "Enabled", filter: { prefix: "staging/" }, expiration: { days: STAGING_EXPIRY_DAYS } },
      {
        id: "archive-to-infrequent-access",
        status: "Enabled",
        filter: { prefix: "archive/" },
        transitions: [{ days: ARCHIVE_TO_IA_DAYS, storageClass: "STANDARD_IA" }]
      },
      { id: "athena-results-expire", status: "Enabled", filter: { prefix: "athena-results/" }, expiration: { days: 7 } }
    ]
  })

  const database = new aws.glue.CatalogDatabase("ArchiveDatabase", { name: `${$app.name}_${$app.stage}`.replace(/[^a-z0-9_]/g, "_") }, keptOnRemoval())
  const projected = (name: string, prefix: string, columns: string, partitions: ReadonlyArray<string>, projection: Record<string, string>) =>
    new aws.glue.CatalogTable(
      `${name}Table`,
      {
        databaseName: database.name,
        name: name.toLowerCase(),
        tableType: "EXTERNAL_TABLE",
        parameters: {
          classification: "parquet",
          EXTERNAL: "TRUE",
          "projection.enabled": "true",
          "storage.location.template": $interpolate`s3://${archive.name}/archive/${prefix}/${partitions.map((p) => `${p}=\${${p}}`).join("/")}/`,
          ...projection
        },
        partitionKeys: partitions.map((p) => ({ name: p, type: "string" })),
        storageDescriptor: {
          location: $interpolate`s3://${archive.name}/archive/${prefix}/`,
          inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
          outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
          serDeInfo: { serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe" },
          columns: glueColumns(columns)
        }
      },
      keptOnRemoval()
    )
  // Injected: any symbol a query names, streamed or only backfilled, with no list to keep up to
  // date. Athena then needs the symbol in the query (`WHERE symbol = 'BTCUSDT'`, or `IN (...)`).
  const symbolProjection = { "projection.symbol.type": "injected" }
  const dateProjection = {
    "projection.date.type": "date",
    "projection.date.format": "yyyy-MM-dd",
    "projection.date.range": `${ARCHIVE_FIRST_DATE},NOW`,
    "projection.date.interval": "1",
    "projection.date.interval.unit": "DAYS"
  }
  const trades = projected("Trades", "trades", TRADE_COLUMNS, TRADE_PARTITIONS, {
    ...symbolProjection,
    ...dateProjection,
    "projection.hour.type": "integer",
    "projection.hour.range": "0,23",
    "projection.hour.digits": "2"
  })
  const candleArchive = projected("Candles", "candles", CANDLE_COLUMNS, CANDLE_PARTITIONS, {
    "projection.interval.type": "enum",
    "projection.interval.values": "1m,5m,15m,1h,4h,1d",
    ...symbolProjection,
    ...dateProjection
  })

  const athena = new aws.athena.Workgroup("Athena", {
    name: `${$app.name}-${$app.stage}`,
    // Its query history is no data worth keeping, and a workgroup that ran one cannot be removed otherwise.
    forceDestroy: true,
    configuration: {
      enforceWorkgroupConfiguration: true,
      bytesScannedCutoffPerQuery: ATHENA_SCAN_LIMIT_BYTES,
      resultConfiguration: {
        outputLocation: $interpolate`s3://${archive.name}/athena-results/`,
        encryptionConfiguration: { encryptionOption: "SSE_KMS" }
      }
    }
  })

  return { candles, engineState, alertConditions, history, archive, database, trades, candleArchive, athena }
}

export type Storage = ReturnType<typeof storage>
