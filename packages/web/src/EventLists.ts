/**
 * The recent anomalies and alerts, newest first, filterable by symbol, rule and severity (alerts
 * by symbol and rule). Rendered as plain list items with text nodes: nothing from the API is
 * ever parsed as HTML.
 */
import type { AlertSent, AnomalyDetected } from "@blockchaincore/core/events/DomainEvent"

export interface Filters {
  readonly symbol: string
  readonly rule: string
  readonly severity: string
}

const time = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace("T", " ")

const item = (text: string, className: string, data: Readonly<Record<string, string>>): HTMLLIElement => {
  const li = document.createElement("li")
  li.className = className
  li.textContent = text
  for (const [k, v] of Object.entries(data)) li.dataset[k] = v
  return li
}

const empty = (text: string) => item(text, "empty", {})

const anomalyMatches = (a: AnomalyDetected, f: Filters) =>
  (f.symbol === "" || a.candle.symbol === f.symbol) && (f.rule === "" || a.rule === f.rule) && (f.severity === "" || a.severity === f.severity)

const NOT_KEPT = "This deployment keeps no history of anomalies and alerts: they go to its alert topic (e-mail, SMS)."

export const renderAnomalies = (list: HTMLElement, all: ReadonlyArray<AnomalyDetected>, f: Filters, kept: boolean): void => {
  const shown = all.filter((a) => anomalyMatches(a, f))
  list.replaceChildren(
    ...(shown.length === 0
      ? [empty(all.length > 0 ? "No anomaly matches these filters." : kept ? "No anomalies yet." : NOT_KEPT)]
      : shown.slice(0, 200).map((a) =>
          item(
            `${time(a.candle.openTime)}  ${a.candle.symbol} ${a.candle.interval}  ${a.rule.replaceAll("_", " ")}  (${a.severity})`,
            `anomaly ${a.severity}`,
            {
              symbol: a.candle.symbol,
              interval: a.candle.interval,
              openTime: String(a.candle.openTime),
              rule: a.rule
            }
          )
        ))
  )
}

export const renderAlerts = (list: HTMLElement, all: ReadonlyArray<AlertSent>, f: Filters, kept: boolean): void => {
  const shown = all.filter((a) => (f.symbol === "" || a.symbol === f.symbol) && (f.rule === "" || a.rule === f.rule))
  list.replaceChildren(
    ...(shown.length === 0
      ? [empty(all.length > 0 ? "No alert matches these filters." : kept ? "No alerts yet." : NOT_KEPT)]
      : shown.slice(0, 200).map((a) =>
          item(`${time(a.sentAt)}  ${a.symbol} ${a.interval}  ${a.rule.replaceAll("_", " ")}  ${a.state}`, `alert ${a.state}`, {
            symbol: a.symbol,
            rule: a.rule
          })
        ))
  )
}
