/**
 * Pipeline health: per symbol the last trade's age and trades per second, then reconnects, open
 * gaps, queue depth and the reconciliation with Binance's klines; and the banner (Banner.ts).
 */
import type { PipelineHealth, ReconciliationHealth } from "@blockchaincore/core/health/PipelineHealth"
import type { StoreHealth } from "@blockchaincore/api/ReadApi"
import { bannerText } from "./Banner.ts"

const cell = (text: string) => {
  const td = document.createElement("td")
  td.textContent = text
  return td
}

const age = (seconds: number | null) => (seconds === null ? "no trade yet" : seconds < 60 ? `${seconds.toFixed(1)} s` : `${Math.round(seconds / 60)} min`)

/** " · reconciled 3 h, 0 mismatches, last 01:00:02 UTC", or nothing where the deployment does not say. */
const reconciled = (r: ReconciliationHealth | undefined): string =>
  r === undefined
    ? ""
    : ` · reconciled ${r.hours} h with Binance, ${r.mismatches} mismatch${r.mismatches === 1 ? "" : "es"}${r.lastAt === null ? "" : `, last ${new Date(r.lastAt).toISOString().slice(11, 19)} UTC`}`

export const renderHealth = (
  table: HTMLTableSectionElement,
  summary: HTMLElement,
  banner: HTMLElement,
  reported: PipelineHealth | StoreHealth | undefined
): void => {
  // A deployment without the producer beside its API (AWS) says only whether its store answers, and the reconciliations.
  const h = reported !== undefined && "now" in reported ? reported : undefined
  const text = bannerText(h)
  banner.hidden = text === undefined
  banner.textContent = text ?? ""
  banner.dataset["status"] = h?.status ?? "unknown"
  if (h === undefined) {
    summary.textContent = `Pipeline health is not reported by this deployment${reported === undefined ? "" : reconciled(reported.reconciliation)}.`
    table.replaceChildren()
    return
  }
  summary.textContent = `producer ${h.status} · ${h.connectionsUp} connection${h.connectionsUp === 1 ? "" : "s"} · reconnects ${h.reconnects} · gaps open ${h.gapsOpen} (filled ${h.gapsFilled}) · queue ${h.queueDepth} · batches ${h.batchesProcessed}${reconciled(h.reconciliation)}`
  table.replaceChildren(
    ...h.symbols.map((s) => {
      const tr = document.createElement("tr")
      tr.dataset["symbol"] = s.symbol
      tr.append(cell(s.symbol), cell(age(s.lastTradeAgeSeconds)), cell(s.tradesPerSecond.toFixed(1)))
      return tr
    })
  )
}
