/**
 * The gaps of one symbol still open, and how trades that arrive later fill them: a trade whose ids
 * lie in an open gap takes them out of it (narrowing it, splitting it, or closing it). A gap open
 * longer than the horizon is given up.
 */
import { intervalMillis } from "../candle/Interval.ts"
import type { Gap } from "./Gap.ts"

/**
 * A gap still open this long after its missing trades (in stream time) is abandoned: its windows
 * stay marked incomplete, and trades for it that arrive later are not applied. Without a horizon a
 * gap that can never be filled would keep every closed window after it forever, and a symbol's
 * state would outgrow what a store can hold (DynamoDB's 400 KB item). A day of windows of every
 * interval is about 1,900 accumulators, well under that gzipped.
 */
export const GAP_HORIZON_MILLIS = 24 * 60 * intervalMillis["1m"]

export class GapLedger {
  readonly open: Array<Gap> = []

  add(gap: Gap): void {
    this.open.push(gap)
  }

  /**
   * Takes ids `firstId..lastId` (a trade made at `time`) out of the open gap they lie in, if they
   * lie in one: returns it as it was, and whether it is closed now; undefined if they lie in none.
   */
  take(firstId: number, lastId: number, time: number): { readonly gap: Gap; readonly closed: boolean } | undefined {
    const open = this.open
    for (let i = 0; i < open.length; i++) {
      const gap = open[i]!
      if (firstId < gap.fromId || lastId > gap.toId) continue
      const closed = firstId === gap.fromId && lastId === gap.toId
      // Ids follow time: the trades still missing below this one were made by its time, and this
      // trade is the one after them (an open-ended gap's lower part is bounded by it).
      const below = bounded({ ...gap, toId: firstId - 1 }, time)
      const above = { ...gap, fromId: lastId + 1 }
      if (closed) open.splice(i, 1)
      else if (firstId === gap.fromId) open[i] = above
      else if (lastId === gap.toId) open[i] = below
      else open.splice(i, 1, below, above)
      return { gap, closed }
    }
    return undefined
  }

  /**
   * A trade made known (streamed, or filled): the open-ended gap just below it, if any, now ends
   * at its time, and the windows after that no longer wait for it. Returns that gap as it was.
   */
  boundBy(trade: { readonly firstId: number; readonly time: number }): Gap | undefined {
    const i = this.open.findIndex((g) => g.openEnded === true && g.toId === trade.firstId - 1)
    if (i < 0) return undefined
    const was = this.open[i]!
    this.open[i] = bounded(was, trade.time)
    return was
  }

  /** Whether a window `openTime..closeTime` may hold trades of an open gap. */
  overlaps(openTime: number, closeTime: number): boolean {
    for (const gap of this.open) if ((gap.openEnded === true || openTime <= gap.toTime) && closeTime >= gap.fromTime) return true
    return false
  }

  /** Gives up the gaps whose trades lie before the horizon, counted back from `streamTime`; returns how many. */
  abandonStale(streamTime: number): number {
    const horizon = streamTime - GAP_HORIZON_MILLIS
    const before = this.open.length
    for (let i = this.open.length - 1; i >= 0; i--) if (this.open[i]!.toTime < horizon) this.open.splice(i, 1)
    return before - this.open.length
  }
}

/** A gap whose next trade is known, made at `time`: it ends there. */
const bounded = ({ openEnded: _, ...gap }: Gap, time: number): Gap => ({ ...gap, toTime: Math.max(gap.toTime, time) })
