/**
 * `npm run dev` in packages/web: what `sst dev` runs for the dashboard (its StaticSite deploys
 * nothing in dev mode). The dashboard is built for its own origin and served on 127.0.0.1, and
 * `/api/*` is passed on to the stage's CloudFront URL (STAGE_URL, which stacks/web.ts gives the
 * dev command), whose API function runs on this machine under `sst dev`. Passing it on keeps the
 * page same-origin, as deployed, and the function reachable the one way the stage allows.
 *
 * DASHBOARD_PORT (default 4173; 0 for any) is where it listens; it says where on standard error.
 */
import { createServer } from "node:http"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Console, Effect, Layer, Schema } from "effect"
import { HttpClient, HttpRouter, HttpServer, HttpServerResponse, HttpStaticServer } from "effect/http"
import { HttpUrl } from "@blockchaincore/core/net/Urls"
import { OutboundHttp } from "@blockchaincore/adapters/http/OutboundHttp"
import { buildDashboard } from "./build.ts"

export const DEV_PORT = 4173

const DevEnvironment = Schema.Struct({
  STAGE_URL: HttpUrl,
  DASHBOARD_PORT: Schema.optionalKey(Schema.NumberFromString.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 65_535 })))
})

/** A stage that has not answered in this long is reported as not answering. */
const STAGE_TIMEOUT = "30 seconds"

/** The stage's URL for the request's path and query: never another host, whatever the request line says. */
export const stageRequestUrl = (stageUrl: string, requestUrl: string): URL => {
  const asked = new URL(requestUrl, "http://dashboard.invalid")
  const target = new URL(stageUrl)
  target.pathname = `${target.pathname.replace(/\/$/, "")}${asked.pathname}`
  target.search = asked.search
  return target
}

/** The stage's answer to the same path and query, or a 502 that says why there is none. */
const passOn = (stageUrl: string) =>
  HttpRouter.add("GET", "/api/*", (request) =>
    Effect.gen(function* () {
      const response = yield* HttpClient.get(stageRequestUrl(stageUrl, request.url)).pipe(Effect.timeout(STAGE_TIMEOUT))
      const body = yield* response.arrayBuffer
      return HttpServerResponse.uint8Array(new Uint8Array(body), {
        status: response.status,
        contentType: response.headers["content-type"] ?? "application/json"
      })
    }).pipe(
      Effect.catch((e) =>
        Effect.succeed(HttpServerResponse.jsonUnsafe({ code: -1, msg: `the stage's API at ${stageUrl} did not answer: ${e.message}` }, { status: 502 }))
      )
    )
  )

const main = Effect.gen(function* () {
  const env = yield* Schema.decodeUnknownEffect(DevEnvironment)(process.env).pipe(
    Effect.mapError((e) => new Error(`packages/web dev: ${e.message} (STAGE_URL is the stage's URL, which sst dev sets; DASHBOARD_PORT a port)`))
  )
  const dist = yield* Effect.promise(() => buildDashboard(""))
  const served = HttpRouter.serve(
    Layer.mergeAll(passOn(env.STAGE_URL), HttpStaticServer.layer({ root: dist, index: "index.html", cacheControl: "no-cache" })),
    { disableListenLog: true, disableLogger: true }
  ).pipe(Layer.provideMerge(NodeHttpServer.layer(createServer, { port: env.DASHBOARD_PORT ?? DEV_PORT, host: "127.0.0.1" })), Layer.provide(OutboundHttp))
  yield* Layer.launch(
    Layer.effectDiscard(
      Effect.gen(function* () {
        const address = (yield* HttpServer.HttpServer).address
        yield* Console.error(`dashboard (dev) on http://127.0.0.1:${address._tag === "UnixPathAddress" ? 0 : address.port}, /api/* from ${env.STAGE_URL}`)
      })
    ).pipe(Layer.provideMerge(served))
  )
})

if (import.meta.main) NodeRuntime.runMain(main)
