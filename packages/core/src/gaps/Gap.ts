/**
 * Gaps: trade ids are consecutive per symbol, so ids skipped over are trades lost on the way.
 * This folder is the one place that knows how a gap is found (`TradeSequence`), the shape it has
 * everywhere (`Gap`, here), and how it is held until filled (`GapLedger`).
 *
 * Who finds a gap, and who says so:
 * - The producer sequences each frame (`TradeSequence`) and asks the exchange for the trades a
 *   silent stream never sent; it fills what it finds from REST and is the only source of the bus's
 *   `DataGapDetected` and `DataGapFilled` events.
 * - The candle engine sequences again what reaches it (the queue delivers at least once, and a
 *   gap may open between two producers' runs). Its ledger marks the windows a gap may fall in
 *   incomplete until the fill arrives; its `GapOpened`/`GapClosed` outputs are for its own tests
 *   and for the processor's state, never published.
 * - Enrichment reads the engine's stored ledger to let through late trades a gap is waiting for.
 */
import { Schema } from "effect"
import { EpochMillis, SymbolName, TradeId } from "../trade/Trade.ts"

export const Gap = Schema.Struct({
  symbol: SymbolName,
  /** The missing trade ids, inclusive. */
  fromId: TradeId,
  toId: TradeId,
  /** The trade times on either side of the gap: the missing trades lie between. */
  fromTime: EpochMillis,
  toTime: EpochMillis,
  /**
   * No trade after the gap is known yet (a confirmation named its ids): its last trade's price is
   * the close of every window after `fromTime` until one is, so they all wait for it. `toTime` is
   * then only where the confirmation stood.
   */
  openEnded: Schema.optionalKey(Schema.Literal(true))
})
export type Gap = typeof Gap.Type

/** Just a gap's own fields, whatever else the value carries (an event's id, its outcome, whether it is open-ended). */
export const gapOf = ({ symbol, fromId, toId, fromTime, toTime }: Gap): Gap => ({ symbol, fromId, toId, fromTime, toTime })

/** Whether `id` is one of the missing ids of any of `gaps`. */
export const isMissing = (gaps: ReadonlyArray<Gap>, id: number): boolean => gaps.some((g) => id >= g.fromId && id <= g.toId)
