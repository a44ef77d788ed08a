/**
 * The dashboard: pick a symbol and interval, see its candles with volume and its anomalies
 * marked, the recent anomalies and alerts, and the pipeline's health, all kept current as
 * candles close. Wiring only: what each part does is in its own module.
 */
import { Schema } from "effect"
import { klineRow } from "@blockchaincore/core/candle/KlineCsv"
import { Interval } from "@blockchaincore/core/candle/Interval"
import { AnomalyRule, type AlertSent, type AnomalyDetected } from "@blockchaincore/core/events/DomainEvent"
import type { PipelineHealth } from "@blockchaincore/core/health/PipelineHealth"
import type { StoreHealth } from "@blockchaincore/api/ReadApi"
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"
import * as Api from "./ApiClient.ts"
import { CandleChart } from "./CandleChart.ts"
import { renderAlerts, renderAnomalies, type Filters } from "./EventLists.ts"
import { renderHealth } from "./HealthPanel.ts"
import { renderLatency } from "./LatencyPanel.ts"
import { startLiveFeed } from "./LiveFeed.ts"

declare const __API_URL__: string

const element = <T extends HTMLElement>(id: string, type: { new (): T }): T => {
  const found = document.getElementById(id)
  if (!(found instanceof type)) throw new Error(`the page has no ${type.name} #${id}`)
  return found
}

const ui = {
  symbol: element("symbol", HTMLSelectElement),
  interval: element("interval", HTMLSelectElement),
  chart: element("chart", HTMLDivElement),
  noData: element("no-data", HTMLDivElement),
  legend: element("legend", HTMLDivElement),
  banner: element("banner", HTMLDivElement),
  mode: element("mode", HTMLSpanElement),
  error: element("error", HTMLDivElement),
  notice: element("notice", HTMLDivElement),
  filterSymbol: element("filter-symbol", HTMLSelectElement),
  filterRule: element("filter-rule", HTMLSelectElement),
  filterSeverity: element("filter-severity", HTMLSelectElement),
  anomalies: element("anomalies", HTMLUListElement),
  alerts: element("alerts", HTMLUListElement),
  health: element("health", HTMLTableSectionElement),
  healthSummary: element("health-summary", HTMLParagraphElement),
  latency: element("latency", HTMLTableSectionElement),
  latencySummary: element("latency-summary", HTMLParagraphElement)
}

const base = Api.apiBase(__API_URL__)
const chart = new CandleChart(ui.chart)
interface PageState {
  anomalies: Array<AnomalyDetected>
  alerts: Array<AlertSent>
  health: PipelineHealth | StoreHealth | undefined
  /** False where the API keeps no anomaly history (AWS): the lists say so. */
  historyKept: boolean
  /** Counts chart loads, so a slow answer for an earlier choice is dropped. */
  loading: number
}
const state: PageState = { anomalies: [], alerts: [], health: undefined, historyKept: true, loading: 0 }
const decodeInterval = Schema.decodeUnknownOption(Interval)

const options = (select: HTMLSelectElement, values: ReadonlyArray<readonly [string, string]>) =>
  select.replaceChildren(...values.map(([value, label]) => new Option(label, value)))

const showError = (e: unknown) => {
  ui.error.hidden = false
  ui.error.textContent = `Could not reach the API: ${errorMessage(e)}`
}

/** A change to what is shown that the user should know of (a retracted candle): until the next. */
const showNotice = (text: string) => {
  ui.notice.hidden = false
  ui.notice.textContent = text
}

const filters = (): Filters => ({ symbol: ui.filterSymbol.value, rule: ui.filterRule.value, severity: ui.filterSeverity.value })

const legend = (row: Api.KlineRow | undefined) => {
  ui.legend.textContent =
    row === undefined ? "" : `${new Date(row[0]).toISOString().slice(0, 16).replace("T", " ")}  O ${row[1]}  H ${row[2]}  L ${row[3]}  C ${row[4]}  V ${row[5]}`
}

const noData = (empty: boolean) => {
  ui.noData.hidden = !empty
  ui.noData.textContent = empty
    ? `No candles yet for ${ui.symbol.value} ${ui.interval.value}: the first appears when its ${ui.interval.value} window closes.`
    : ""
}

const markAnomalies = () =>
  chart.mark(
    state.anomalies
      .filter((a) => a.candle.symbol === ui.symbol.value && a.candle.interval === ui.interval.value)
      .map((a) => ({ openTime: a.candle.openTime, label: a.rule.replaceAll("_", " "), severity: a.severity }))
  )

const renderLists = () => {
  renderAnomalies(ui.anomalies, state.anomalies, filters(), state.historyKept)
  renderAlerts(ui.alerts, state.alerts, filters(), state.historyKept)
}

const loadChart = async () => {
  const load = ++state.loading
  const rows = await Api.klines(base, ui.symbol.value, ui.interval.value)
  if (load !== state.loading) return // a newer choice won
  ui.error.hidden = true
  ui.chart.dataset["symbol"] = ui.symbol.value
  ui.chart.dataset["interval"] = ui.interval.value
  chart.set(rows)
  legend(rows.at(-1))
  noData(rows.length === 0)
  markAnomalies()
}

const loadEvents = async () => {
  // The API lists newest first; the page keeps that order.
  const [anomalies, alerts] = await Promise.all([Api.anomalies(base), Api.alerts(base)])
  state.anomalies = [...(anomalies ?? [])]
  state.alerts = [...(alerts ?? [])]
  state.historyKept = anomalies !== undefined
  renderLists()
  markAnomalies()
}

const loadHealth = async () => {
  state.health = await Api.health(base)
  renderHealth(ui.health, ui.healthSummary, ui.banner, state.health)
  renderLatency(ui.latency, ui.latencySummary, state.health)
}

const chosenFromUrl = () => new URLSearchParams(window.location.search)

const start = async () => {
  const symbols = await Api.symbols(base)
  options(
    ui.symbol,
    symbols.map((s) => [s, s])
  )
  options(ui.filterSymbol, [["", "all symbols"], ...symbols.map((s): [string, string] => [s, s])])
  options(ui.filterRule, [["", "all rules"], ...AnomalyRule.literals.map((r): [string, string] => [r, r.replaceAll("_", " ")])])
  options(ui.filterSeverity, [
    ["", "all severities"],
    ["high", "high"],
    ["medium", "medium"]
  ])
  options(
    ui.interval,
    Interval.literals.map((i) => [i, i])
  )
  const url = chosenFromUrl()
  const wanted = url.get("symbol")?.toUpperCase()
  if (wanted !== undefined && symbols.includes(wanted)) ui.symbol.value = wanted
  const interval = decodeInterval(url.get("interval"))
  ui.interval.value = interval._tag === "Some" ? interval.value : "1m"
  if (symbols.length === 0) noData(true)
  await Promise.all([loadChart(), loadEvents(), loadHealth()])
}

const choose = () => {
  const url = new URL(window.location.href)
  url.searchParams.set("symbol", ui.symbol.value)
  url.searchParams.set("interval", ui.interval.value)
  window.history.replaceState(null, "", url)
  loadChart().catch(showError)
}
ui.symbol.addEventListener("change", choose)
ui.interval.addEventListener("change", choose)
for (const f of [ui.filterSymbol, ui.filterRule, ui.filterSeverity]) f.addEventListener("change", renderLists)

start()
  .catch(showError)
  .finally(() =>
    startLiveFeed(base, {
      event: (event) => {
        if (event._tag === "CandleClosed" || event._tag === "CandleRevised") {
          const c = event.candle
          if (c.symbol !== ui.symbol.value || c.interval !== ui.interval.value) return
          const row = klineRow(c)
          if (!chart.upsert(row)) return
          if (event._tag === "CandleClosed") legend(row)
          noData(false)
          markAnomalies()
        } else if (event._tag === "CandleRetracted") {
          if (event.symbol !== ui.symbol.value || event.interval !== ui.interval.value) return
          // The exchange has no kline for it (a halt): it leaves the chart, and the page says why.
          if (chart.remove(event.openTime))
            showNotice(
              `${event.symbol} ${event.interval} ${new Date(event.openTime).toISOString().slice(0, 16).replace("T", " ")} UTC retracted: ${event.reason}`
            )
        } else if (event._tag === "AnomalyDetected") {
          state.anomalies = [event, ...state.anomalies.filter((a) => a.id !== event.id)]
          renderLists()
          markAnomalies()
        } else if (event._tag === "AlertSent") {
          state.alerts = [event, ...state.alerts.filter((a) => a.id !== event.id)]
          renderLists()
        }
      },
      health: (h) => {
        state.health = h
        renderHealth(ui.health, ui.healthSummary, ui.banner, h)
        renderLatency(ui.latency, ui.latencySummary, h)
      },
      poll: () => Promise.all([loadChart(), loadEvents(), loadHealth()]).then(() => undefined, showError),
      mode: (mode) => {
        ui.mode.textContent = mode === "live" ? "● live" : mode === "polling" ? "↻ updating every 15 s" : "… reconnecting"
        ui.mode.dataset["mode"] = mode
      }
    })
  )
