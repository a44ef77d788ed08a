/**
 * The read API on AWS as a function URL answers it: a function URL (CORS is the URL's), behind the dashboard's CloudFront
 * distribution, serving the same API definition as the local runtime (packages/api/src/ReadApi.ts)
 * through Effect's web handler, over the DynamoDB candle store and the history table the history
 * consumer keeps. Each answer says how long CloudFront may keep it (api/CacheControl.ts).
 */
import { Clock, Effect, Layer, Schema } from "effect"
import { HttpRouter, HttpServer } from "effect/http"
import { HealthReport, readApiRoutes, ServedSymbols } from "@blockchaincore/api/ReadApiServer"
import { cacheControl } from "./CacheControl.ts"
import { errorMessage, oneLine } from "@blockchaincore/core/errors/errorMessage"
import type { CandleStore } from "@blockchaincore/core/ports/CandleStore"
import type { EventHistory } from "@blockchaincore/core/ports/EventHistory"

/** A function URL request (payload format 2.0); other fields are ignored. */
const UrlRequest = Schema.Struct({
  rawPath: Schema.String,
  rawQueryString: Schema.optionalKey(Schema.String),
  headers: Schema.optionalKey(Schema.Record(Schema.String, Schema.String)),
  requestContext: Schema.Struct({ http: Schema.Struct({ method: Schema.String }) })
})

export interface UrlResponse {
  readonly statusCode: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** The API's routes as a web handler (a `Request` in, a `Response` out) over the given ports. */
export const webHandlerOn = (ports: Layer.Layer<CandleStore | EventHistory, unknown>) =>
  HttpRouter.toWebHandler(
    readApiRoutes.pipe(
      Layer.provide(Layer.mergeAll(ServedSymbols.fromStore, HealthReport.ofStore).pipe(Layer.provideMerge(ports))),
      Layer.provide(HttpServer.layerServices)
    ),
    { disableLogger: true }
  ).handler

/** A function URL event to its answer through `serve`. */
export const respond =
  (serve: (request: Request) => Promise<Response>) =>
  (event: unknown): Effect.Effect<UrlResponse> =>
    Effect.gen(function* () {
      const request = Schema.decodeUnknownResult(UrlRequest)(event)
      if (request._tag === "Failure") {
        return {
          statusCode: 400,
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ code: -1, msg: `not a function URL request: ${oneLine(request.failure)}` })
        }
      }
      const { rawPath, rawQueryString, headers, requestContext } = request.success
      const query = rawQueryString ?? ""
      const webRequest = Effect.try({
        try: () =>
          new Request(`https://api.invalid${rawPath}${query === "" ? "" : `?${query}`}`, {
            method: requestContext.http.method,
            ...(headers === undefined ? {} : { headers })
          }),
        catch: (e) => errorMessage(e)
      })
      const built = yield* Effect.result(webRequest)
      if (built._tag === "Failure")
        return {
          statusCode: 400,
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ code: -1100, msg: `a request no HTTP server would take: ${built.failure}` })
        }
      const response = yield* Effect.promise(() => serve(built.success))
      const body = yield* Effect.promise(() => response.text())
      const now = yield* Clock.currentTimeMillis
      return {
        statusCode: response.status,
        headers: { ...Object.fromEntries(response.headers), "cache-control": cacheControl(response.status, rawPath, new URLSearchParams(query), now) },
        body
      }
    })
