/**
 * The event catalogue: every domain event on the market bus. Each carries an `id` derived only
 * from what it says, so a consumer that sees an event twice (EventBridge delivers at least once)
 * can tell, and two processes that observe the same fact publish the same id.
 */
import { Schema } from "effect"
import { Candle } from "../candle/Candle.ts"
import { Interval } from "../candle/Interval.ts"
import { Gap, gapOf } from "../gaps/Gap.ts"
import { EpochMillis, SymbolName, TradeId } from "../trade/Trade.ts"

/** The bus `source` of every event here; the `detail-type` is the event's `_tag`. */
export const EVENT_SOURCE = "blockchaincore.market"

const EventId = Schema.String.pipe(Schema.check(Schema.isNonEmpty()))

/** A window closed: its final numbers, unless a gap in it is filled later (`complete: false`). */
export const CandleClosed = Schema.TaggedStruct("CandleClosed", { id: EventId, candle: Candle })
export type CandleClosed = typeof CandleClosed.Type

/** A closed window changed: a backfilled trade, or a gap in it found or filled. Replaces it. */
export const CandleRevised = Schema.TaggedStruct("CandleRevised", { id: EventId, candle: Candle })
export type CandleRevised = typeof CandleRevised.Type

/**
 * A window emitted in error does not exist: the exchange made no kline for it (the symbol was
 * halted). Stores delete it; consumers forget it.
 */
export const CandleRetracted = Schema.TaggedStruct("CandleRetracted", {
  id: EventId,
  symbol: SymbolName,
  interval: Interval,
  openTime: EpochMillis,
  reason: Schema.String
})
export type CandleRetracted = typeof CandleRetracted.Type

const GapFields = { id: EventId, ...Gap.fields }

/** Trade ids are consecutive per symbol; these were skipped over. */
export const DataGapDetected = Schema.TaggedStruct("DataGapDetected", GapFields)
export type DataGapDetected = typeof DataGapDetected.Type

/** The end of a gap: every trade of it filled from REST. A gap is never given up on. */
export const DataGapFilled = Schema.TaggedStruct("DataGapFilled", GapFields)
export type DataGapFilled = typeof DataGapFilled.Type

/**
 * A data-quality event: these trades of a gap are still missing `openMillis` after it was found,
 * REST having been asked `attempts` times (the last answer's `reason`). They are still asked for;
 * the candles they belong to stay incomplete meanwhile.
 */
export const DataGapOverdue = Schema.TaggedStruct("DataGapOverdue", {
  ...GapFields,
  openMillis: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  attempts: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  reason: Schema.String
})
export type DataGapOverdue = typeof DataGapOverdue.Type

/**
 * A data-quality event, apart from market anomalies: Binance has trades of `symbol` its stream has
 * not sent for `silentMillis` and more (the completeness watermark found them). They are filled
 * from REST meanwhile; the stream itself is not to be trusted until it delivers again.
 */
export const StreamSilent = Schema.TaggedStruct("StreamSilent", {
  id: EventId,
  symbol: SymbolName,
  /** When the watermark first found the stream behind Binance (wall clock). */
  since: EpochMillis,
  silentMillis: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  /** The last id the stream delivered, and Binance's last id at the check that announced it. */
  streamLastId: TradeId,
  exchangeLastId: TradeId
})
export type StreamSilent = typeof StreamSilent.Type

/** A kline as Binance writes it (KlineCsv.ts): twelve columns, decimals as strings. */
const KlineColumns = Schema.Tuple([
  Schema.Int,
  Schema.String,
  Schema.String,
  Schema.String,
  Schema.String,
  Schema.String,
  Schema.Int,
  Schema.String,
  Schema.Int,
  Schema.String,
  Schema.String,
  Schema.String
])

/**
 * A closed hour of `symbol` compared with the exchange's own 1m klines for it: `windows` were
 * compared, and each window that differs is listed with both rows (null where one side has none).
 */
export const HourReconciled = Schema.TaggedStruct("HourReconciled", {
  id: EventId,
  symbol: SymbolName,
  openTime: EpochMillis,
  windows: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  differences: Schema.Array(Schema.Struct({ openTime: EpochMillis, ours: Schema.NullOr(KlineColumns), theirs: Schema.NullOr(KlineColumns) })),
  /** When the comparison was made (wall clock). */
  checkedAt: EpochMillis,
  /** The differing windows made again from the exchange's trades (or removed), by open time; the others are still open. */
  repaired: Schema.optionalKey(Schema.Array(EpochMillis))
})
export type HourReconciled = typeof HourReconciled.Type

export const AnomalyRule = Schema.Literals(["price_movement", "volume_spike", "sma_divergence", "robust_zscore_return", "robust_zscore_volume"])
export type AnomalyRule = typeof AnomalyRule.Type

export const Severity = Schema.Literals(["medium", "high"])
export type Severity = typeof Severity.Type

/**
 * A rule fired on a closed candle. Metrics are statistics (ratios, z-scores), not money, so they
 * are plain numbers; the candle itself keeps its exact decimals.
 */
export const AnomalyDetected = Schema.TaggedStruct("AnomalyDetected", {
  id: EventId,
  rule: AnomalyRule,
  severity: Severity,
  metrics: Schema.Record(Schema.String, Schema.Finite),
  threshold: Schema.Finite,
  candle: Candle
})
export type AnomalyDetected = typeof AnomalyDetected.Type

/** A notification went out: a condition started (`firing`) or ended (`resolved`). */
export const AlertSent = Schema.TaggedStruct("AlertSent", {
  id: EventId,
  anomalyId: EventId,
  symbol: SymbolName,
  interval: Interval,
  rule: AnomalyRule,
  state: Schema.Literals(["firing", "resolved"]),
  channel: Schema.String.pipe(Schema.check(Schema.isNonEmpty())),
  sentAt: EpochMillis
})
export type AlertSent = typeof AlertSent.Type

export const DomainEvent = Schema.Union([
  CandleClosed,
  CandleRevised,
  CandleRetracted,
  DataGapDetected,
  DataGapFilled,
  DataGapOverdue,
  StreamSilent,
  HourReconciled,
  AnomalyDetected,
  AlertSent
])
export type DomainEvent = typeof DomainEvent.Type

export const DomainEventFromJson = Schema.fromJsonString(DomainEvent)

const windowKey = (c: Candle) => `${c.symbol}:${c.interval}:${c.openTime}`

export const candleClosed = (candle: Candle): CandleClosed => ({ _tag: "CandleClosed", id: `candle-closed:${windowKey(candle)}`, candle })

/** The id names the revision's content, so the same revision observed twice has one id. */
export const candleRevised = (candle: Candle): CandleRevised => ({
  _tag: "CandleRevised",
  id: `candle-revised:${windowKey(candle)}:${candle.trades}:${candle.lastTradeId ?? "-"}:${candle.complete ? "complete" : "incomplete"}`,
  candle
})

export const dataGapDetected = (gap: Gap): DataGapDetected => ({
  _tag: "DataGapDetected",
  id: `gap-detected:${gap.symbol}:${gap.fromId}-${gap.toId}`,
  ...gapOf(gap)
})

export const dataGapFilled = (gap: Gap): DataGapFilled => ({
  _tag: "DataGapFilled",
  id: `gap-filled:${gap.symbol}:${gap.fromId}-${gap.toId}`,
  ...gapOf(gap)
})

/** Once per gap: its id names the trades still missing when it became overdue. */
export const dataGapOverdue = (fields: Omit<DataGapOverdue, "_tag" | "id">): DataGapOverdue => ({
  _tag: "DataGapOverdue",
  id: `gap-overdue:${fields.symbol}:${fields.fromId}-${fields.toId}`,
  ...fields
})

export const candleRetracted = (symbol: string, interval: Interval, openTime: number, reason: string): CandleRetracted => ({
  _tag: "CandleRetracted",
  id: `candle-retracted:${symbol}:${interval}:${openTime}`,
  symbol,
  interval,
  openTime,
  reason
})

/** One event per silence: its id names the symbol and when the silence began. */
export const streamSilent = (fields: Omit<StreamSilent, "_tag" | "id">): StreamSilent => ({
  _tag: "StreamSilent",
  id: `stream-silent:${fields.symbol}:${fields.since}`,
  ...fields
})

export const anomalyDetected = (fields: Omit<AnomalyDetected, "_tag" | "id">): AnomalyDetected => ({
  _tag: "AnomalyDetected",
  id: `anomaly:${windowKey(fields.candle)}:${fields.rule}`,
  ...fields
})

export const alertSent = (fields: Omit<AlertSent, "_tag" | "id">): AlertSent => ({
  _tag: "AlertSent",
  id: `alert:${fields.anomalyId}:${fields.state}:${fields.channel}`,
  ...fields
})

/** The id names the hour and what was found, not when: the same comparison twice has one id. */
export const hourReconciled = (fields: Omit<HourReconciled, "_tag" | "id">): HourReconciled => ({
  _tag: "HourReconciled",
  id: `hour-reconciled:${fields.symbol}:${fields.openTime}:${fields.windows}:${fields.differences.map((d) => d.openTime).join(",")}`,
  ...fields
})
