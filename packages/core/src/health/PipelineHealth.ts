/**
 * The pipeline's health as the local runtime's `/health` reports it and the dashboard shows it:
 * whether the producer is connected, per symbol how old its last trade is and how many trades a
 * second arrive, reconnects, open gaps, queue depth.
 */
import { Schema } from "effect"

const ProducerStatus = Schema.Literals(["ok", "connecting", "disconnected"])
type ProducerStatus = typeof ProducerStatus.Type

const SymbolHealth = Schema.Struct({
  symbol: Schema.String,
  tradesPerSecond: Schema.Finite,
  /** Exchange time of the latest trade, null before the first. */
  lastTradeTime: Schema.NullOr(Schema.Finite),
  /** Seconds since that trade arrived, null before the first. */
  lastTradeAgeSeconds: Schema.NullOr(Schema.Finite),
  /** Since when Binance has had trades of it that its stream did not send (the completeness watermark); absent while it is complete. */
  silentSince: Schema.optionalKey(Schema.Finite),
  /** Binance's status for it when that is not `TRADING` (a halt, maintenance, a delisting); absent while it trades. */
  exchangeStatus: Schema.optionalKey(Schema.String)
})
type SymbolHealth = typeof SymbolHealth.Type

const OverdueGap = Schema.Struct({ symbol: Schema.String, fromId: Schema.Int, toId: Schema.Int, openSeconds: Schema.Int })

/** Closed hours compared with the exchange's klines: how many, how many 1m windows differed, and when last (null before the first). */
/** Our word, not Binance's, for a symbol the exchange answers "Invalid symbol" for: delisted or renamed. */
/** A hop's latency over the last 15 minutes, as `/health` and the dashboard give it; null before its first batch. */
export const HopLatency = Schema.Struct({
  hop: Schema.String,
  /** On the consumer's hop, which consumer. */
  consumer: Schema.optionalKey(Schema.String),
  p50Millis: Schema.NullOr(Schema.Finite),
  p99Millis: Schema.NullOr(Schema.Finite),
  count: Schema.Int
})
export type HopLatency = typeof HopLatency.Type

export const NOT_LISTED = "NOT_LISTED"

export const ReconciliationHealth = Schema.Struct({
  hours: Schema.Int,
  mismatches: Schema.Int,
  lastAt: Schema.NullOr(Schema.Finite)
})
export type ReconciliationHealth = typeof ReconciliationHealth.Type

export const PipelineHealth = Schema.Struct({
  status: ProducerStatus,
  now: Schema.Finite,
  /** When the producer entered its status (connecting or down since ...); absent where not tracked. */
  since: Schema.optionalKey(Schema.NullOr(Schema.Finite)),
  /** Why it is not ok: the last connection failure or loss. */
  detail: Schema.optionalKey(Schema.String),
  connectionsUp: Schema.Int,
  reconnects: Schema.Int,
  gapsOpen: Schema.Int,
  gapsFilled: Schema.Int,
  /** Gaps still open past the overdue age, by name (they are still asked for); absent where not tracked. */
  gapsOverdue: Schema.optionalKey(Schema.Array(OverdueGap)),
  queueDepth: Schema.Int,
  batchesProcessed: Schema.Int,
  journal: Schema.Int,
  /** Absent where the deployment does not say. */
  reconciliation: Schema.optionalKey(ReconciliationHealth),
  /** Each hop's p50 and p99 over the last 15 minutes (core/tracing/Hops.ts); absent where not measured. */
  latency: Schema.optionalKey(Schema.Array(HopLatency)),
  symbols: Schema.Array(SymbolHealth)
})
export type PipelineHealth = typeof PipelineHealth.Type
