/**
 * The replay server's REST side, answered from the market's state as Binance answers: the trades
 * of `historicalTrades`, the 24 h ticker's `lastId`, exchangeInfo with each symbol's status, and
 * the klines of the windows the market has closed.
 */
import type { IncomingMessage, ServerResponse } from "node:http"
import { Option, Schema } from "effect"
import { BUNDLED_EXCHANGE_INFO } from "@blockchaincore/core/binance/bundledExchangeInfo"
import { CandleEngine } from "@blockchaincore/core/candle/CandleEngine"
import { Interval } from "@blockchaincore/core/candle/Interval"
import { klineRow } from "@blockchaincore/core/candle/KlineCsv"
import { formatUnits, PRICE_SCALE, QUOTE_SCALE } from "@blockchaincore/core/decimal/Decimal"
import type { ReplayMarket } from "./ReplayMarket.ts"

type Reply = (status: number, body: unknown, headers?: Record<string, string>) => void

export const answerRest = (market: ReplayMarket, req: IncomingMessage, res: ServerResponse): void => {
  const stats = market.stats
  stats.restRequests++
  const url = new URL(req.url ?? "/", "http://127.0.0.1")
  const reply: Reply = (status, body, headers = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers })
    res.end(JSON.stringify(body))
  }
  if ((market.faults.rest429 ?? 0) > stats.rest429) {
    stats.rest429++
    return reply(429, { code: -1003, msg: "Too many requests." }, { "retry-after": "1" })
  }
  if (url.pathname === "/api/v3/ticker/24hr") return ticker(market, url, reply)
  if (url.pathname === "/api/v3/exchangeInfo") return exchangeInfo(market, url, reply)
  if (url.pathname === "/api/v3/klines") return klines(market, url, reply)
  if (url.pathname === "/api/v3/historicalTrades") return historicalTrades(market, url, reply)
  reply(404, { code: -1, msg: "Not found" })
}

const historicalTrades = (market: ReplayMarket, url: URL, reply: Reply): void => {
  const symbol = url.searchParams.get("symbol") ?? ""
  const frames = market.bySymbol.get(symbol)
  if (frames === undefined) return reply(400, { code: -1121, msg: "Invalid symbol." })
  const limit = Math.min(1000, Number(url.searchParams.get("limit") ?? "500"))
  const fromId = Number(url.searchParams.get("fromId") ?? frames[0]!.trade.firstId)
  if (!Number.isSafeInteger(fromId) || !Number.isSafeInteger(limit) || limit < 1) return reply(400, { code: -1100, msg: "Illegal characters found in parameter." })
  const trades = frames
    .filter((f) => f.trade.firstId >= fromId)
    .slice(0, limit)
    .map(({ trade: t }) => ({
      id: t.firstId,
      price: formatUnits(t.price, PRICE_SCALE, 8),
      qty: formatUnits(t.qty, PRICE_SCALE, 8),
      quoteQty: formatUnits(t.price * t.qty, QUOTE_SCALE, 8),
      time: t.time,
      isBuyerMaker: t.buyerIsMaker,
      isBestMatch: true
    }))
  reply(200, trades, { "x-mbx-used-weight-1m": String(25 * market.stats.restRequests) })
}

/** exchangeInfo for the asked symbols: the bundled excerpt's entries, each with its status now. */
const exchangeInfo = (market: ReplayMarket, url: URL, reply: Reply): void => {
  const asked = Schema.decodeUnknownOption(TickerSymbols)(url.searchParams.get("symbols") ?? "")
  if (Option.isNone(asked)) return reply(400, { code: -1100, msg: "Illegal characters found in parameter 'symbols'." })
  if (asked.value.some((s) => !market.bySymbol.has(s))) return reply(400, { code: -1121, msg: "Invalid symbol." })
  market.haltAsked()
  reply(200, {
    symbols: asked.value.map((symbol) => ({
      ...(BUNDLED_EXCHANGE_INFO.symbols.find((s) => s.symbol === symbol) ?? { symbol, baseAsset: "", quoteAsset: "", filters: [] }),
      status: market.isHalted(symbol) ? "BREAK" : "TRADING"
    }))
  })
}

/**
 * Klines of the recording's trades the market has reached, as Binance makes them: closed windows
 * only (Binance's still-open last row is left out), none for the minutes of a halt.
 */
const klines = (market: ReplayMarket, url: URL, reply: Reply): void => {
  const symbol = url.searchParams.get("symbol") ?? ""
  const interval = Schema.decodeUnknownOption(Interval)(url.searchParams.get("interval"))
  const startTime = Number(url.searchParams.get("startTime") ?? "0")
  const endTime = Number(url.searchParams.get("endTime") ?? String(Number.MAX_SAFE_INTEGER))
  const frames = market.bySymbol.get(symbol)
  if (frames === undefined) return reply(400, { code: -1121, msg: "Invalid symbol." })
  if (Option.isNone(interval) || !Number.isSafeInteger(startTime) || !Number.isSafeInteger(endTime)) return reply(400, { code: -1100, msg: "Illegal characters found in a parameter." })
  const marketTime = market.time()
  const engine = new CandleEngine({ intervals: [interval.value], graceMillis: 0 })
  const halt = market.faults.halt
  for (const { trade } of frames) if (trade.time < marketTime) engine.apply(trade)
  engine.advance(symbol, marketTime)
  const rows = engine.drain().flatMap((o) => {
    if (o._tag !== "CandleClosed" || o.candle.openTime < startTime || o.candle.openTime > endTime) return []
    const halted = halt !== undefined && halt.symbol === symbol && o.candle.trades === 0 && o.candle.openTime >= halt.fromTime && o.candle.openTime < halt.toTime
    return halted ? [] : [klineRow(o.candle)]
  })
  const limit = Number(url.searchParams.get("limit") ?? "500")
  if (!Number.isSafeInteger(limit) || limit < 1) return reply(400, { code: -1100, msg: "Illegal characters found in parameter 'limit'." })
  reply(200, rows.slice(0, Math.min(1000, limit)))
}

/** The 24 h ticker (MINI): each asked symbol's last trade id among the frames the market has reached. */
const ticker = (market: ReplayMarket, url: URL, reply: Reply): void => {
  const asked = Schema.decodeUnknownOption(TickerSymbols)(url.searchParams.get("symbols") ?? "")
  if (Option.isNone(asked)) return reply(400, { code: -1100, msg: "Illegal characters found in parameter 'symbols'." })
  const lastIds = new Map<string, number>()
  for (let i = 0; i < market.head && i < market.frames.length; i++) {
    const t = market.frames[i]!.trade
    if (t.lastId > (lastIds.get(t.symbol) ?? -1)) lastIds.set(t.symbol, t.lastId)
  }
  // As Binance: one symbol it does not list refuses the whole request.
  if (asked.value.some((s) => !market.bySymbol.has(s))) return reply(400, { code: -1121, msg: "Invalid symbol." })
  reply(200, asked.value.map((symbol) => ({ symbol, lastId: lastIds.get(symbol) ?? -1 })))
}

const TickerSymbols = Schema.fromJsonString(Schema.Array(Schema.String))
