/**
 * The replay server's REST side, answered from the market's state as Binance answers: the trades
 * of `historicalTrades` and `aggTrades` and the klines of the windows closed, from the trade
 * database (which may lag the market, `ReplayMarket.databaseTime`); the 24 h ticker's `lastId`
 * and `closeTime`, and exchangeInfo with each symbol's status and the server's time, current.
 */
import type { IncomingMessage, ServerResponse } from "node:http"
import { Option, Schema } from "effect"
import { BUNDLED_EXCHANGE_INFO } from "@blockchaincore/binance/instruments/bundledExchangeInfo"
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
  if (url.pathname === "/api/v3/aggTrades") return aggTrades(market, url, reply)
  reply(404, { code: -1, msg: "Not found" })
}

const ILLEGAL = { code: -1100, msg: "Illegal characters found in a parameter." }

/** A number parameter: its default when absent, undefined when it is not a whole number. */
const intParam = (url: URL, name: string, otherwise: number): number | undefined => {
  const text = url.searchParams.get(name)
  const n = text === null ? otherwise : Number(text)
  return Number.isSafeInteger(n) ? n : undefined
}

/**
 * Up to `limit` trades from `fromId` on (without it, the most recent), of those the trade
 * database knows: a page shorter than asked is a database behind the market, not missing trades.
 */
const historicalTrades = (market: ReplayMarket, url: URL, reply: Reply): void => {
  const symbol = url.searchParams.get("symbol") ?? ""
  if (!market.bySymbol.has(symbol)) return reply(400, { code: -1121, msg: "Invalid symbol." })
  const known = market.knownTrades(symbol)
  const limit = intParam(url, "limit", 500)
  const fromId = intParam(url, "fromId", (known.at(-1)?.firstId ?? 0) - (limit ?? 0) + 1)
  if (fromId === undefined || limit === undefined || limit < 1) return reply(400, ILLEGAL)
  const trades = known
    .filter((t) => t.firstId >= fromId)
    .slice(0, Math.min(1000, limit))
    .map((t) => ({
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

/**
 * Aggregate trades by `fromId`, or by `startTime`/`endTime` (inclusive), of those the trade
 * database knows. The recording holds single trades, so each is an aggregate of one: Binance
 * merges some, which changes nothing a candle counts.
 */
const aggTrades = (market: ReplayMarket, url: URL, reply: Reply): void => {
  const symbol = url.searchParams.get("symbol") ?? ""
  if (!market.bySymbol.has(symbol)) return reply(400, { code: -1121, msg: "Invalid symbol." })
  const limit = intParam(url, "limit", 500)
  const fromId = intParam(url, "fromId", -1)
  const startTime = intParam(url, "startTime", 0)
  const endTime = intParam(url, "endTime", Number.MAX_SAFE_INTEGER)
  if (limit === undefined || fromId === undefined || startTime === undefined || endTime === undefined || limit < 1) return reply(400, ILLEGAL)
  const rows = market
    .knownTrades(symbol)
    .filter((t) => t.firstId >= fromId && t.time >= startTime && t.time <= endTime)
    .slice(0, Math.min(1000, limit))
    .map((t) => ({
      a: t.firstId,
      p: formatUnits(t.price, PRICE_SCALE, 8),
      q: formatUnits(t.qty, PRICE_SCALE, 8),
      f: t.firstId,
      l: t.lastId,
      T: t.time,
      m: t.buyerIsMaker,
      M: true
    }))
  reply(200, rows, { "x-mbx-used-weight-1m": String(4 * market.stats.restRequests) })
}

/** exchangeInfo for the asked symbols: the bundled excerpt's entries, each with its status now. */
const exchangeInfo = (market: ReplayMarket, url: URL, reply: Reply): void => {
  const list = url.searchParams.get("symbols")
  const asked = list === null ? Option.some([...market.bySymbol.keys()]) : Schema.decodeUnknownOption(TickerSymbols)(list)
  if (Option.isNone(asked)) return reply(400, { code: -1100, msg: "Illegal characters found in parameter 'symbols'." })
  if (asked.value.some((s) => !market.bySymbol.has(s))) return reply(400, { code: -1121, msg: "Invalid symbol." })
  reply(200, {
    serverTime: market.time(),
    symbols: asked.value.map((symbol) => ({
      ...(BUNDLED_EXCHANGE_INFO.symbols.find((s) => s.symbol === symbol) ?? { symbol, baseAsset: "", quoteAsset: "", filters: [] }),
      status: market.isHalted(symbol) ? "BREAK" : "TRADING"
    }))
  })
}

/**
 * Klines of the trades the trade database knows, as Binance makes them: closed windows only
 * (Binance's still-open last row is left out), none for the minutes of a halt. The trades before
 * a replay's start are known as any others: a client that starts mid-minute meets a market that
 * has the whole minute.
 */
const klines = (market: ReplayMarket, url: URL, reply: Reply): void => {
  const symbol = url.searchParams.get("symbol") ?? ""
  const interval = Schema.decodeUnknownOption(Interval)(url.searchParams.get("interval"))
  const startTime = Number(url.searchParams.get("startTime") ?? "0")
  const endTime = Number(url.searchParams.get("endTime") ?? String(Number.MAX_SAFE_INTEGER))
  const frames = market.bySymbol.get(symbol)
  if (frames === undefined) return reply(400, { code: -1121, msg: "Invalid symbol." })
  if (Option.isNone(interval) || !Number.isSafeInteger(startTime) || !Number.isSafeInteger(endTime))
    return reply(400, { code: -1100, msg: "Illegal characters found in a parameter." })
  const known = market.databaseTime()
  const engine = new CandleEngine({ intervals: [interval.value], graceMillis: 0 })
  const halt = market.faults.halt
  for (const trade of market.knownTrades(symbol)) engine.apply(trade)
  engine.advance(symbol, known)
  const rows = engine.drain().flatMap((o) => {
    if (o._tag !== "CandleClosed" || o.candle.openTime < startTime || o.candle.openTime > endTime) return []
    const halted =
      halt !== undefined && halt.symbol === symbol && o.candle.trades === 0 && o.candle.openTime >= halt.fromTime && o.candle.openTime < halt.toTime
    return halted ? [] : [klineRow(o.candle)]
  })
  const limit = Number(url.searchParams.get("limit") ?? "500")
  if (!Number.isSafeInteger(limit) || limit < 1) return reply(400, { code: -1100, msg: "Illegal characters found in parameter 'limit'." })
  reply(200, rows.slice(0, Math.min(1000, limit)))
}

/**
 * The 24 h ticker (MINI): each asked symbol's last trade id among the frames the market has
 * reached, and the `closeTime` the statistics run to. Without `symbols`, every symbol.
 */
const ticker = (market: ReplayMarket, url: URL, reply: Reply): void => {
  const list = url.searchParams.get("symbols")
  const asked = list === null ? Option.some([...market.bySymbol.keys()]) : Schema.decodeUnknownOption(TickerSymbols)(list)
  if (Option.isNone(asked)) return reply(400, { code: -1100, msg: "Illegal characters found in parameter 'symbols'." })
  const lastIds = market.lastIds()
  // As Binance: one symbol it does not list refuses the whole request.
  if (asked.value.some((s) => !market.bySymbol.has(s))) return reply(400, { code: -1121, msg: "Invalid symbol." })
  const closeTime = market.time()
  reply(
    200,
    asked.value.map((symbol) => ({ symbol, lastId: lastIds.get(symbol) ?? -1, closeTime }))
  )
}

const TickerSymbols = Schema.fromJsonString(Schema.Array(Schema.String))
