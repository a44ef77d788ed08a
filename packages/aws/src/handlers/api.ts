/**
 * The read-only API on AWS: a function URL (CORS is the URL's), behind the dashboard's CloudFront
 * distribution, in front of the same API the local runtime serves (services/api/ReadApi.ts), over
 * the DynamoDB candle store and the history table the history consumer keeps. Each answer says
 * how long CloudFront may keep it (api/CacheControl.ts).
 */
import { Clock, Effect, Layer, ManagedRuntime, Schema } from "effect"
import { CandleStore } from "@blockchaincore/core/ports/CandleStore"
import { EventHistory } from "@blockchaincore/core/ports/EventHistory"
import { answer } from "@blockchaincore/services/api/ReadApi"
import { cacheControl } from "../api/CacheControl.ts"
import { oneLine } from "../pipe/PipePayload.ts"
import { candleStoreLayer, eventHistoryLayer } from "../runtime/AwsLayers.ts"

/** A function URL request (payload format 2.0); other fields are ignored. */
export const UrlRequest = Schema.Struct({
  rawPath: Schema.String,
  rawQueryString: Schema.optionalKey(Schema.String),
  requestContext: Schema.Struct({ http: Schema.Struct({ method: Schema.String }) })
})

export interface UrlResponse {
  readonly statusCode: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

export const respond = (event: unknown) =>
  Effect.gen(function*() {
    const request = Schema.decodeUnknownResult(UrlRequest)(event)
    if (request._tag === "Failure") {
      return { statusCode: 400, headers: { "content-type": "application/json" }, body: JSON.stringify({ code: -1, msg: `not a function URL request: ${oneLine(request.failure)}` }) }
    }
    const store = yield* CandleStore
    const history = yield* EventHistory
    const { rawPath, rawQueryString, requestContext } = request.success
    const query = new URLSearchParams(rawQueryString ?? "")
    const result = yield* answer(
      {
        store,
        history,
        health: () =>
          store.symbols().pipe(
            Effect.map((symbols) => ({ status: "ok", symbols })),
            Effect.catch((e) => Effect.succeed({ status: "degraded", problem: e.message }))
          )
      },
      requestContext.http.method,
      rawPath,
      query
    )
    const now = yield* Clock.currentTimeMillis
    return { statusCode: result.status, headers: { "content-type": result.contentType, "cache-control": cacheControl(result.status, rawPath, query, now) }, body: result.body } satisfies UrlResponse
  })

const runtime = ManagedRuntime.make(Layer.mergeAll(candleStoreLayer, eventHistoryLayer))

export const handler = (event: unknown): Promise<UrlResponse> => runtime.runPromise(respond(event))
