/**
 * An exchangeInfo excerpt bundled for offline use (a machine without Binance, tests, the replay
 * demo), in Binance's own response shape. Enrichment asks Binance first when it can; these are
 * what it falls back to.
 */
const symbol = (s: string, base: string, quote: string, tickSize: string, stepSize: string) => ({
  symbol: s,
  baseAsset: base,
  quoteAsset: quote,
  filters: [
    { filterType: "PRICE_FILTER", tickSize },
    { filterType: "LOT_SIZE", stepSize }
  ]
})

export const BUNDLED_EXCHANGE_INFO = {
  symbols: [
    symbol("BTCUSDT", "BTC", "USDT", "0.01000000", "0.00001000"),
    symbol("ETHUSDT", "ETH", "USDT", "0.01000000", "0.00010000"),
    symbol("BNBUSDT", "BNB", "USDT", "0.01000000", "0.00100000"),
    symbol("SOLUSDT", "SOL", "USDT", "0.01000000", "0.00100000"),
    symbol("XRPUSDT", "XRP", "USDT", "0.00010000", "0.10000000"),
    symbol("ETHBTC", "ETH", "BTC", "0.00001000", "0.00010000")
  ]
}
