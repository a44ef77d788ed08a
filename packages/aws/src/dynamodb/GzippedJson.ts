/**
 * A schema's JSON, gzipped, as a DynamoDB binary attribute: DynamoDB bills writes by the KB and
 * reads by the 4 KB, and the JSON of engine states and alert conditions shrinks about threefold.
 * Bytes that do not gunzip are a schema failure naming that, not a crash.
 */
import { gunzipSync, gzipSync } from "node:zlib"
import { Effect, Schema, SchemaGetter, SchemaIssue } from "effect"
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"

const GzippedText = Schema.Uint8Array.pipe(
  Schema.decodeTo(Schema.String, {
    decode: SchemaGetter.transformEffect<string, Uint8Array>((bytes, options) =>
      Effect.try({
        try: () => gunzipSync(bytes).toString("utf8"),
        catch: (e) => new SchemaIssue.InvalidValue({ message: `bytes that do not gunzip (${errorMessage(e)})` }, bytes, options)
      })
    ),
    encode: SchemaGetter.transform((text: string) => new Uint8Array(gzipSync(text)))
  })
)

export const gzippedJson = <S extends Schema.Top>(schema: S) => GzippedText.pipe(Schema.decodeTo(Schema.fromJsonString(schema)))
