/**
 * What the banner says: plainly, when the producer is disconnected or a gap in the trades is
 * open (and so some candles are incomplete until it is filled), by name when it is overdue;
 * nothing when all is well.
 */
import { NOT_LISTED } from "@blockchaincore/core/health/PipelineHealth"
import type { PipelineHealth } from "@blockchaincore/core/health/PipelineHealth"

/** "since 13:02:05 UTC" (or nothing where the deployment does not say). */
const sinceText = (since: number | null | undefined): string =>
  since === null || since === undefined ? "" : ` since ${new Date(since).toISOString().slice(11, 19)} UTC`
const becauseText = (detail: string | undefined): string => (detail === undefined || detail === "" ? "" : ` (${detail})`)

export const bannerText = (h: PipelineHealth | undefined): string | undefined => {
  if (h === undefined) return undefined
  if (h.status === "disconnected")
    return `The producer is down${sinceText(h.since)}${becauseText(h.detail)}, retrying; ${h.reconnects} reconnects so far: candles are not closing.`
  if (h.status === "connecting") return `Connecting to Binance${sinceText(h.since)}…${becauseText(h.detail)}`
  const halted = h.symbols.filter((s) => s.exchangeStatus !== undefined)
  if (halted.length > 0) {
    return halted
      .map((s) =>
        s.exchangeStatus === NOT_LISTED
          ? `${s.symbol}: Binance no longer lists it (delisted or renamed): its last candles are final.`
          : `${s.symbol}: Binance says ${s.exchangeStatus}, not trading: no candles until it trades again.`
      )
      .join(" ")
  }
  const silent = h.symbols.filter((s) => s.silentSince !== undefined)
  if (silent.length > 0)
    return silent
      .map((s) => `${s.symbol}: Binance has trades its stream has not sent${sinceText(s.silentSince)}; they are filled from REST meanwhile.`)
      .join(" ")
  const overdue = h.gapsOverdue ?? []
  if (overdue.length > 0) {
    return overdue
      .map(
        (g) =>
          `${g.symbol}: trades ${g.fromId}..${g.toId} still missing after ${Math.round(g.openSeconds / 60)} min; Binance's REST is asked again, and the candles they belong to stay incomplete until it has them.`
      )
      .join(" ")
  }
  if (h.gapsOpen > 0)
    return `${h.gapsOpen} gap${h.gapsOpen === 1 ? "" : "s"} in the trades ${h.gapsOpen === 1 ? "is" : "are"} open: the candles it covers are incomplete until it is filled.`
  const mismatches = h.reconciliation?.mismatches ?? 0
  if (mismatches > 0)
    return `${mismatches} one-minute window${mismatches === 1 ? "" : "s"} of the reconciled hours differ${mismatches === 1 ? "s" : ""} from Binance's klines: both rows are in the log and the HourReconciled events.`
  return undefined
}
