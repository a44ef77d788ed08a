/**
 * The backfill's ledger on AWS: one object per finished archive file under `backfill/done/` in the
 * archive bucket, read back through its schema, so a task started again goes on where the last
 * one stopped (a Fargate task's disk does not outlive it).
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3"
import { Effect, Layer, Schema } from "effect"
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"
import { BackfillLedger, FileDone, LedgerUnavailable } from "@blockchaincore/backfill/BackfillLedger"

const LEDGER_PREFIX = "backfill/done/"

const FileDoneJson = Schema.fromJsonString(FileDone)

export const layerS3BackfillLedger = (client: S3Client, bucket: string) =>
  Layer.succeed(
    BackfillLedger,
    BackfillLedger.of({
      done: (name) =>
        Effect.tryPromise({
          try: async () => {
            try {
              const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `${LEDGER_PREFIX}${name}.json` }))
              return await object.Body?.transformToString("utf8")
            } catch (e) {
              if (e instanceof Error && (e.name === "NoSuchKey" || e.name === "NotFound")) return undefined
              throw e
            }
          },
          catch: (e) => new LedgerUnavailable({ message: `read ${name}: ${errorMessage(e)}` })
        }).pipe(
          Effect.flatMap((text) => (text === undefined ? Effect.succeed(undefined) : Schema.decodeUnknownEffect(FileDoneJson)(text))),
          Effect.mapError((e) =>
            e._tag === "LedgerUnavailable" ? e : new LedgerUnavailable({ message: `the ledger's entry for ${name} is corrupt: ${e.message}` })
          )
        ),
      markDone: (entry) =>
        Effect.tryPromise({
          try: () =>
            client.send(
              new PutObjectCommand({
                Bucket: bucket,
                Key: `${LEDGER_PREFIX}${entry.name}.json`,
                Body: Schema.encodeSync(FileDoneJson)(entry),
                ContentType: "application/json"
              })
            ),
          catch: (e) => new LedgerUnavailable({ message: `record ${entry.name}: ${errorMessage(e)}` })
        })
    })
  )
