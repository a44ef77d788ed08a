/**
 * Binance answers HTTP 451 to addresses in places it does not serve (the United States among
 * them), on its streams and its REST API alike. Nothing this program does changes that answer,
 * so it is named with the way out, once, and asked again only every few minutes.
 */

export const LOCATION_REFUSED_STATUS = 451

export const LOCATION_REFUSED =
  "HTTP 451: Binance does not serve this machine's location (the United States among others); run it where Binance does (the AWS stage runs in Tokyo; under `sst dev` the producer runs on this machine, so deploy the stage with `sst deploy` instead), or point --ws-url and --rest-url at a Binance endpoint you may use"

/** What an HTTP status from Binance says, in a line: a refused location with the way out, else the status. */
export const statusText = (status: number | undefined): string => (status === LOCATION_REFUSED_STATUS ? LOCATION_REFUSED : `HTTP ${status ?? "?"}`)

/** How long a refused connection waits before it asks again: a refusal does not change in seconds. */
export const REFUSED_RETRY_MILLIS = 5 * 60_000
