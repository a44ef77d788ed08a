/**
 * Latency per hop: each hop's p50 and p99 over the last 15 minutes, from the exchange to each
 * consumer (core/tracing/Hops.ts), as the local runtime's health reports them.
 */
import type { PipelineHealth } from "@blockchaincore/core/health/PipelineHealth"
import { HOPS } from "@blockchaincore/core/tracing/Hops"
import { type HopLatency } from "@blockchaincore/core/health/PipelineHealth"
import type { StoreHealth } from "@blockchaincore/api/ReadApi"

const cell = (text: string, title?: string) => {
  const td = document.createElement("td")
  td.textContent = text
  if (title !== undefined) td.title = title
  return td
}

const millis = (value: number | null) =>
  value === null ? "–" : value < 10 ? `${value.toFixed(1)} ms` : value < 10_000 ? `${Math.round(value)} ms` : `${(value / 1_000).toFixed(1)} s`

const describe = (hop: string): string | undefined => (hop in HOPS ? HOPS[hop as keyof typeof HOPS] : undefined)

export const renderLatency = (table: HTMLTableSectionElement, note: HTMLElement, reported: PipelineHealth | StoreHealth | undefined): void => {
  const latency: ReadonlyArray<HopLatency> | undefined = reported !== undefined && "now" in reported ? reported.latency : undefined
  if (latency === undefined) {
    note.textContent = "Latency per hop is not reported by this deployment."
    table.replaceChildren()
    return
  }
  note.textContent = "p50 and p99 of each hop over the last 15 minutes"
  table.replaceChildren(
    ...latency.map((l) => {
      const tr = document.createElement("tr")
      const name = l.consumer === undefined ? l.hop : `${l.hop}: ${l.consumer}`
      tr.dataset["hop"] = name
      tr.append(cell(name, describe(l.hop)), cell(millis(l.p50Millis)), cell(millis(l.p99Millis)), cell(String(l.count)))
      return tr
    })
  )
}
