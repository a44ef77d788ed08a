/**
 * The normalised trade: what every source (live stream, recording, public archive, REST
 * backfill) is mapped to before it reaches the candle engine.
 */
import { Schema } from "effect"
import { Units8 } from "../decimal/Decimal.ts"

/** A Binance symbol as the REST API and trade frames spell it: upper case, e.g. "BTCUSDT". */
export const SymbolName = Schema.String.pipe(
  Schema.check(Schema.isPattern(/^[A-Z0-9]{2,20}$/, { message: 'Expected an upper-case Binance symbol such as "BTCUSDT"' }))
)
export type SymbolName = typeof SymbolName.Type

const nonNegativeSafeInt = (what: string) =>
  Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }, { message: `Expected ${what}: a non-negative integer` }))

/** A trade id; ids are consecutive per symbol, which is how lost trades are noticed. */
export const TradeId = nonNegativeSafeInt("a trade id")

/** Milliseconds since the Unix epoch, UTC. */
export const EpochMillis = nonNegativeSafeInt("a time in epoch milliseconds")

/**
 * One trade, or one aggregate trade standing for the consecutive trades `firstId..lastId` at one
 * price (`firstId === lastId` for a single trade). Price and quantity are `Units8`.
 */
export const Trade = Schema.Struct({
  symbol: SymbolName,
  firstId: TradeId,
  lastId: TradeId,
  price: Units8,
  qty: Units8,
  time: EpochMillis,
  buyerIsMaker: Schema.Boolean
}).check(Schema.makeFilter((t) => t.lastId >= t.firstId || `lastId ${t.lastId} is before firstId ${t.firstId}`))

export interface Trade extends Schema.Schema.Type<typeof Trade> {}
