/** Flags shared by the commands, each decoded with a schema. */
import { Schema } from "effect"
import { Flag } from "effect/cli"
import { BINANCE_REST, BINANCE_WS } from "@blockchaincore/binance/Endpoints"
import { HttpUrl, WsUrl } from "@blockchaincore/core/net/Urls"
import { SymbolList } from "@blockchaincore/core/trade/SymbolList"

export { BINANCE_REST, BINANCE_WS }

export const symbolsFlag = Flag.String("symbols").pipe(
  Flag.withSchema(SymbolList),
  Flag.withDescription("Comma-separated symbols, e.g. btcusdt,ethusdt or BTC/USDT (required)")
)
export const wsUrlFlag = Flag.String("ws-url").pipe(
  Flag.withSchema(WsUrl),
  Flag.withDefault(BINANCE_WS),
  Flag.withDescription(`Binance WebSocket base URL (or a replay server's) (default ${BINANCE_WS})`)
)
export const restUrlFlag = Flag.String("rest-url").pipe(
  Flag.withSchema(HttpUrl),
  Flag.withDefault(BINANCE_REST),
  Flag.withDescription(`Binance REST base URL (or a replay server's) (default ${BINANCE_REST})`)
)

export const positiveInt = (name: string, description: string) =>
  Flag.Int(name).pipe(Flag.withSchema(Schema.Int.check(Schema.isGreaterThan(0))), Flag.optional, Flag.withDescription(description))
