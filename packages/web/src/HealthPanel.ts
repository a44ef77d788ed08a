/**
 * Pipeline health: per symbol the last trade's age and trades per second, then reconnects, open
 * gaps and queue depth; and the banner (Banner.ts).
 */
import type { PipelineHealth } from "@blockchaincore/core/health/PipelineHealth"
import { bannerText } from "./Banner.ts"

const cell = (text: string) => {
  const td = document.createElement("td")
  td.textContent = text
  return td
}

const age = (seconds: number | null) => (seconds === null ? "no trade yet" : seconds < 60 ? `${seconds.toFixed(1)} s` : `${Math.round(seconds / 60)} min`)

export const renderHealth = (table: HTMLTableSectionElement, summary: HTMLElement, banner: HTMLElement, h: PipelineHealth | undefined): void => {
  const text = bannerText(h)
  banner.hidden = text === undefined
  banner.textContent = text ?? ""
  banner.dataset["status"] = h?.status ?? "unknown"
  if (h === undefined) {
    summary.textContent = "Pipeline health is not reported by this deployment."
    table.replaceChildren()
    return
  }
  summary.textContent = `producer ${h.status} · ${h.connectionsUp} connection${h.connectionsUp === 1 ? "" : "s"} · reconnects ${h.reconnects} · gaps open ${h.gapsOpen} (filled ${h.gapsFilled}) · queue ${h.queueDepth} · batches ${h.batchesProcessed}`
  table.replaceChildren(
    ...h.symbols.map((s) => {
      const tr = document.createElement("tr")
      tr.dataset["symbol"] = s.symbol
      tr.append(cell(s.symbol), cell(age(s.lastTradeAgeSeconds)), cell(s.tradesPerSecond.toFixed(1)))
      return tr
    })
  )
}
