/**
 * Binance answers HTTP 451 to addresses in places it does not serve (the United States among
 * them), on its streams and its REST API alike. Nothing this program does changes that answer,
 * so it is named with the way out, once, and asked again only every few minutes.
 */

export const LOCATION_REFUSED_STATUS = 451

export const LOCATION_REFUSED =
  "HTTP 451: Binance does not serve this machine's location (the United States among others); run it where Binance does (the AWS stage runs in Tokyo), or point --ws-url and --rest-url at a Binance endpoint you may use"

/** How long a refused connection waits before it asks again: a refusal does not change in seconds. */
export const REFUSED_RETRY_MILLIS = 5 * 60_000
