/// <reference path="../.sst/platform/config.d.ts" />
/**
 * The web side, behind one CloudFront distribution (a Router): the dashboard (packages/web) from
 * a bucket at `/`, and the read-only API function at `/api/*` (its health at `/api/health`), same
 * origin. The function's URL takes only requests CloudFront signed (the Router's origin access
 * control: the URL's auth is AWS_IAM, invokable by this distribution alone), so no one skips the
 * cache by calling the URL directly. CloudFront
 * keeps what the function says it may: klines of closed windows for an hour (a closed candle only
 * changes by a rare revision, which then shows within the hour), everything else for 5 seconds,
 * with the query string in the cache key. So a dashboard's polling and the same request from many
 * clients reach the function once per lifetime. What is not cached (a flood of distinct URLs) is
 * bounded by the function's concurrency cap when the stage sets one (stacks/config.ts), with an
 * alarm on throttling (stacks/alerts.ts). The function reads candles, symbols and history, nothing else.
 */
import type { Grants } from "./access.ts"
import type { DeployConfig } from "./config.ts"
import { baseFunction, HANDLERS } from "./functions.ts"
import type { Storage } from "./storage.ts"

/** Where `npm run dev` in packages/web serves the dashboard by default (its DEV_PORT). */
export const DASHBOARD_DEV_PORT = 4173

/** The one path prefix CloudFront sends to the API function. */
export const API_ROUTE = "/api"

export const web = (storage: Storage, grants: Grants, config: DeployConfig) => {
  const router = new sst.aws.Router("Web", { protection: "oac" })
  const api = new sst.aws.Function("Api", {
    ...baseFunction,
    handler: `${HANDLERS}/api.handler`,
    description: "Read-only API: Binance-shaped klines and exchangeInfo, recent anomalies and alerts",
    timeout: "10 seconds",
    link: [storage.candles, storage.engineState, storage.history],
    permissions: [grants.readCandles, grants.listSymbols, grants.readHistory],
    ...(config.apiConcurrency === undefined ? {} : { concurrency: { reserved: config.apiConcurrency } }),
    url: { router: { instance: router, path: API_ROUTE } }
  })
  const dashboard = new sst.aws.StaticSite("Dashboard", {
    path: "packages/web",
    build: { command: "../../node_modules/.bin/node build.ts", output: "dist" },
    // Same origin as the API: the page calls its own host. Under `sst dev` nothing is deployed:
    // `npm run dev` (packages/web/dev.ts) serves the page here and passes /api/* to the stage.
    environment: $dev ? { API_URL: "", STAGE_URL: router.url } : { API_URL: "" },
    dev: { title: "Dashboard", url: `http://127.0.0.1:${DASHBOARD_DEV_PORT}` },
    router: { instance: router }
  })
  return { api, router, dashboard }
}
