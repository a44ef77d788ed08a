/** Binance's public endpoints: where the producer and the REST client go unless told otherwise. */
export const BINANCE_WS = "wss://stream.binance.com:9443"
export const BINANCE_REST = "https://api.binance.com"
