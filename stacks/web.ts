/// <reference path="../.sst/platform/config.d.ts" />
/**
 * The web side: the read-only API as a function with a URL (GET only, CORS open: it serves
 * public market data), linked to the candle tables and nothing else.
 */
import { baseFunction, HANDLERS } from "./functions.ts"
import type { Storage } from "./storage.ts"

export const web = (storage: Storage) => {
  const api = new sst.aws.Function("Api", {
    ...baseFunction,
    handler: `${HANDLERS}/api.handler`,
    description: "Read-only API: Binance-shaped klines and exchangeInfo from the candle table",
    timeout: "10 seconds",
    link: [storage.candles, storage.engineState],
    url: { cors: { allowOrigins: ["*"], allowMethods: ["GET"], allowHeaders: ["content-type"] } }
  })
  return { api }
}
