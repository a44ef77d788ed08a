/// <reference path="../.sst/platform/config.d.ts" />
/**
 * The web side: the read-only API as a function with a URL (GET only, CORS open: it serves
 * public market data), linked to the candle tables and the history table and nothing else; and the dashboard
 * (packages/web) as a static site, built with that URL as its API. The dashboard polls it: the
 * function URL has no live events.
 */
import { baseFunction, HANDLERS } from "./functions.ts"
import type { Storage } from "./storage.ts"

export const web = (storage: Storage) => {
  const api = new sst.aws.Function("Api", {
    ...baseFunction,
    handler: `${HANDLERS}/api.handler`,
    description: "Read-only API: Binance-shaped klines and exchangeInfo, recent anomalies and alerts",
    timeout: "10 seconds",
    link: [storage.candles, storage.engineState, storage.history],
    url: { cors: { allowOrigins: ["*"], allowMethods: ["GET"], allowHeaders: ["content-type"] } }
  })
  const dashboard = new sst.aws.StaticSite("Dashboard", {
    path: "packages/web",
    build: { command: "../../node_modules/.bin/node build.ts", output: "dist" },
    environment: { API_URL: api.url }
  })
  return { api, dashboard }
}
