/**
 * Real stand-ins for AWS on loopback, spoken to by the real SDK over HTTP: dynalite for DynamoDB
 * (with the stack's tables; dynalite has no TTL, which only deletes, so none is set) and s3rver for S3 (with one bucket).
 */
import { mkdtempSync, rmSync } from "node:fs"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { CreateTableCommand, type CreateTableCommandInput, DynamoDBClient } from "@aws-sdk/client-dynamodb"
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3"
import dynalite from "dynalite"
import S3rver from "s3rver"
import { Context, Layer } from "effect"
import { scopedStandIn } from "./scopedStandIn.ts"

const credentials = { accessKeyId: "test", secretAccessKey: "test" }

export const portOf = (address: AddressInfo | string | null): number => {
  if (address === null || typeof address === "string") throw new Error(`not a TCP address: ${String(address)}`)
  return address.port
}

/** A dynalite with `tables` (the stage's own, from aws's `tablesNamed`). */
export const startDynalite = async (tables: ReadonlyArray<CreateTableCommandInput>) => {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const endpoint = `http://127.0.0.1:${portOf(server.address())}`
  const client = new DynamoDBClient({ endpoint, region: "us-east-1", credentials, maxAttempts: 1 })
  for (const table of tables) await client.send(new CreateTableCommand(table))
  return {
    client,
    endpoint,
    close: async () => {
      client.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

export const startS3rver = async (bucket: string) => {
  const directory = mkdtempSync(join(tmpdir(), "s3rver-"))
  const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory })
  const address = await server.run()
  // s3rver checks signatures against its one built-in key pair.
  const endpoint = `http://127.0.0.1:${address.port}`
  const client = new S3Client({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    forcePathStyle: true,
    maxAttempts: 1
  })
  await client.send(new CreateBucketCommand({ Bucket: bucket }))
  return {
    client,
    endpoint,
    close: async () => {
      client.destroy()
      await server.close()
      rmSync(directory, { recursive: true, force: true })
    }
  }
}

/** One dynalite with the given tables, shared by the tests of a `layer(Dynalite.layer(…))` block. */
export class Dynalite extends Context.Service<Dynalite, Awaited<ReturnType<typeof startDynalite>>>()("@blockchaincore/testkit/Dynalite") {
  static readonly layer = (tables: ReadonlyArray<CreateTableCommandInput>) =>
    Layer.effect(
      Dynalite,
      scopedStandIn(() => startDynalite(tables))
    )
}

/** One s3rver with one bucket, shared by the tests of a `layer(S3rverBucket.layer(…))` block. */
export class S3rverBucket extends Context.Service<S3rverBucket, Awaited<ReturnType<typeof startS3rver>>>()("@blockchaincore/testkit/S3rverBucket") {
  static readonly layer = (bucket: string) =>
    Layer.effect(
      S3rverBucket,
      scopedStandIn(() => startS3rver(bucket))
    )
}

/** SST's linked-resource variables for the stack's tables, bucket and bus, as the stand-ins name them. */
export const linkedResources = (extra: Readonly<Record<string, Record<string, string>>> = {}): Record<string, string> => ({
  SST_RESOURCE_App: JSON.stringify({ name: "blockchaincore", stage: "test" }),
  SST_RESOURCE_Candles: JSON.stringify({ name: "candles", type: "sst.aws.Dynamo" }),
  SST_RESOURCE_EngineState: JSON.stringify({ name: "state", type: "sst.aws.Dynamo" }),
  SST_RESOURCE_AlertConditions: JSON.stringify({ name: "conditions", type: "sst.aws.Dynamo" }),
  SST_RESOURCE_History: JSON.stringify({ name: "history", type: "sst.aws.Dynamo" }),
  SST_RESOURCE_Archive: JSON.stringify({ name: "archive", type: "sst.aws.Bucket" }),
  SST_RESOURCE_Market: JSON.stringify({ name: "market", arn: "arn:aws:events:us-east-1:000000000000:event-bus/market", type: "sst.aws.Bus" }),
  ...Object.fromEntries(Object.entries(extra).map(([name, link]) => [`SST_RESOURCE_${name}`, JSON.stringify(link)]))
})
