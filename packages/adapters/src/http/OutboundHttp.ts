/**
 * The one HTTP client for every call out of the process: Binance REST (trades, klines,
 * exchangeInfo), the public archive and webhooks. It is effect/http's `HttpClient` on npm's
 * `undici` (pinned in this package), picked at each edge (the CLI, the local runtime, a Lambda
 * handler, a task) and nowhere else.
 *
 * Never Node's bundled `fetch`: the undici inside Node 24 (7.29) throws an assertion no code can
 * catch when a peer closes the connection right after its response, as an HTTP/1.0 server does,
 * while the body is still being read (nodejs/undici#5360, fixed in undici 8), and the process dies.
 * A test keeps `fetch(` out of production code.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Effect, Layer } from "effect"
import { HttpClient, HttpClientError } from "effect/http"
import { rootCause } from "@blockchaincore/core/errors/errorMessage"

/** Redirects followed, as `fetch` followed them (a moved webhook, a mirror of the archive). */
const MAX_REDIRECTS = 5

/**
 * A transport error says why in its message (connect ECONNREFUSED 127.0.0.1:9, getaddrinfo
 * ENOTFOUND host): effect/http keeps the cause aside, and every message built from the error
 * would otherwise read only "Transport error (GET url)".
 */
const saysWhy = (e: HttpClientError.HttpClientError): HttpClientError.HttpClientError => {
  const reason = e.reason
  if (reason._tag !== "TransportError" || reason.description !== undefined) return e
  const why = rootCause(reason.cause)
  return why === undefined
    ? e
    : new HttpClientError.HttpClientError({ reason: new HttpClientError.TransportError({ request: reason.request, cause: reason.cause, description: why }) })
}

/** The client on a scoped undici agent of its own, closed with the layer's scope. */
export const OutboundHttp: Layer.Layer<HttpClient.HttpClient> = Layer.effect(
  HttpClient.HttpClient,
  Effect.map(HttpClient.HttpClient, (client) => client.pipe(HttpClient.followRedirects(MAX_REDIRECTS), HttpClient.transformResponse(Effect.mapError(saysWhy))))
).pipe(Layer.provide(NodeHttpClient.layerUndici))
