/**
 * The local runtime's one HTTP surface on 127.0.0.1: the read API with `/openapi.json` and
 * `/docs` (packages/api/src/ReadApiServer.ts), the dashboard's live events (`/api/events`), the
 * Prometheus metrics (`/metrics`) and the dashboard's files (`/`), served by Effect's Node HTTP
 * server. A request's failure is a response, never an exception in the process.
 */
import { createServer } from "node:http"
import { resolve } from "node:path"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { Effect, Layer } from "effect"
import { HttpRouter, HttpServerRequest, HttpServerRespondable, HttpServerResponse, HttpStaticServer } from "effect/http"
import { HttpApiScalar } from "effect/http-api"
import { ReadApi } from "@blockchaincore/api/ReadApi"
import { readApiRoutes } from "@blockchaincore/api/ReadApiServer"
import { liveEventsRoute } from "./LiveEventsRoute.ts"
import { metricsRoute } from "./MetricsRoute.ts"

export const DASHBOARD_DIR = resolve(import.meta.dirname, "../../../web/dist")

/** Binance's shape for a path nothing serves. */
const notFound = HttpRouter.add("*", "/api/*", (request) =>
  Effect.succeed(HttpServerResponse.jsonUnsafe({ code: -1, msg: `No such endpoint: ${request.method} ${request.url.split("?")[0]}` }, { status: 404 }))
)

/**
 * The browsable reference of the API, with its script inside the page (the runtime may have no
 * internet). Not on AWS: the script is 3 MB, which would sit in the API function's bundle and
 * slow every cold start; there, `/openapi.json` is the reference.
 */
const docs = HttpApiScalar.layer(ReadApi, { path: "/docs" })

/** The longest file name a file system takes (NAME_MAX): a longer segment names no file of the dashboard. */
const NAME_MAX_BYTES = 255
const namesNoFile = (url: string) => (url.split("?")[0] ?? "").split("/").some((segment) => Buffer.byteLength(segment) > NAME_MAX_BYTES)

/**
 * The dashboard's files. A path with a segment longer than any file name is answered 404 before
 * the file system is asked: asked, it fails with ENAMETOOLONG, which the static server answers 500.
 */
const dashboardFiles = (root: string) =>
  Layer.effectDiscard(
    Effect.gen(function* () {
      const router = yield* HttpRouter.HttpRouter
      const serve = yield* HttpStaticServer.make({ root, index: "index.html", cacheControl: "no-cache" })
      const handler = HttpServerRequest.HttpServerRequest.use((request) =>
        namesNoFile(request.url) ? Effect.succeed(HttpServerResponse.text("Not Found", { status: 404 })) : serve
      ).pipe(Effect.catch(HttpServerRespondable.toResponse))
      yield* router.add("GET", "/*", handler)
    })
  )

export const localHttpServer = (options: { readonly port: number; readonly dashboardDir: string }) =>
  HttpRouter.serve(Layer.mergeAll(readApiRoutes, docs, liveEventsRoute, metricsRoute, notFound, dashboardFiles(options.dashboardDir)), {
    disableListenLog: true,
    disableLogger: true
  }).pipe(Layer.provideMerge(NodeHttpServer.layer(createServer, { port: options.port, host: "127.0.0.1" })))
