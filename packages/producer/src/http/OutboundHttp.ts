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
import type { Layer } from "effect"
import type { HttpClient } from "effect/http"

/** The client on a scoped undici agent of its own, closed with the layer's scope. */
export const OutboundHttp: Layer.Layer<HttpClient.HttpClient> = NodeHttpClient.layerUndici
