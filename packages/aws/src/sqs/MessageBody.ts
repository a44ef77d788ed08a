/**
 * A trade batch as an SQS message body: its JSON (the TradeBatch contract), gzipped and base64'd
 * behind a "gz:" prefix. SQS, the pipe and EventBridge Pipes bill by the 64 KB of payload, and
 * trade JSON compresses about fourfold, so this alone takes a third of the queue's bill away.
 */
import { gunzipSync, gzipSync } from "node:zlib"
import { Effect, Schema, SchemaGetter, SchemaIssue } from "effect"
import { encodeTradeBatchJson, type TradeBatch, TradeBatchFromJson } from "@blockchaincore/core/trade/TradeBatch"
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"

const PREFIX = "gz:"

export const encodeMessageBody = (batch: TradeBatch): string => PREFIX + gzipSync(encodeTradeBatchJson(batch)).toString("base64")

/** The body's JSON text, uncompressed. */
const BodyText = Schema.String.pipe(
  Schema.decodeTo(Schema.String, {
    decode: SchemaGetter.transformEffect<string, string>((body, options) => {
      if (!body.startsWith(PREFIX)) return Effect.fail(new SchemaIssue.InvalidValue({ message: `a body without the ${PREFIX} prefix` }, body, options))
      const base64 = body.slice(PREFIX.length)
      const compressed = Buffer.from(base64, "base64")
      // Node decodes base64 leniently: a body cut by a character or two can still gunzip whole.
      if (compressed.toString("base64") !== base64)
        return Effect.fail(new SchemaIssue.InvalidValue({ message: "a gz: body that is not whole base64 (cut short, or not base64)" }, body, options))
      return Effect.try({
        try: () => gunzipSync(compressed).toString("utf8"),
        catch: (e) => new SchemaIssue.InvalidValue({ message: `a gz: body that does not gunzip (${errorMessage(e)})` }, body, options)
      })
    }),
    encode: SchemaGetter.transform((json: string) => PREFIX + gzipSync(json).toString("base64"))
  })
)

export const TradeBatchFromMessageBody = BodyText.pipe(Schema.decodeTo(TradeBatchFromJson))
