/**
 * The candlestick chart with volume below it (TradingView's lightweight-charts), for one symbol
 * and interval: set from the API's klines, then updated candle by candle as they close, with
 * the anomalies of that symbol and interval as markers on their candles. What it shows is also
 * written on the container's data attributes (candle count, last open time, marker times), for
 * the browser test and for anyone inspecting the page.
 */
import {
  CandlestickSeries,
  createChart,
  createSeriesMarkers,
  HistogramSeries,
  type IChartApi,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  type SeriesMarker,
  type Time,
  type UTCTimestamp
} from "lightweight-charts"
import type { KlineRow } from "./ApiClient.ts"

interface Marked {
  readonly openTime: number
  readonly label: string
  readonly severity: "high" | "medium"
}

const UP = "#26a69a"
const FIT_WHILE_FEWER_THAN = 120
const DOWN = "#ef5350"

/** lightweight-charts takes UTC seconds, branded as its `UTCTimestamp`. */
const seconds = (ms: number) => Math.floor(ms / 1000) as UTCTimestamp

/**
 * The browser's language where Intl takes it, else English: a browser started in the POSIX locale
 * says "en-US@posix", which Intl refuses, and the chart (which formats with it) would not draw.
 */
const chartLocale = (): string => {
  try {
    return Intl.NumberFormat.supportedLocalesOf([navigator.language]).length > 0 ? navigator.language : "en-US"
  } catch {
    return "en-US"
  }
}

export class CandleChart {
  private readonly chart: IChartApi
  private readonly candles: ISeriesApi<"Candlestick">
  private readonly volume: ISeriesApi<"Histogram">
  private readonly markers: ISeriesMarkersPluginApi<Time>
  private readonly times = new Set<number>()
  private lastOpen = -1
  private readonly element: HTMLElement

  constructor(element: HTMLElement) {
    this.element = element
    this.chart = createChart(element, {
      autoSize: true,
      layout: { background: { color: "#0f1419" }, textColor: "#c9d1d9", attributionLogo: false },
      grid: { vertLines: { color: "#1f2933" }, horzLines: { color: "#1f2933" } },
      timeScale: { timeVisible: true, secondsVisible: false, maxBarSpacing: 36, rightOffset: 2 },
      rightPriceScale: { scaleMargins: { top: 0.08, bottom: 0.28 } },
      localization: { locale: chartLocale() }
    })
    this.candles = this.chart.addSeries(CandlestickSeries, { upColor: UP, downColor: DOWN, wickUpColor: UP, wickDownColor: DOWN, borderVisible: false })
    this.volume = this.chart.addSeries(HistogramSeries, { priceScaleId: "volume", priceFormat: { type: "volume" } })
    this.chart.priceScale("volume").applyOptions({ scaleMargins: { top: 0.78, bottom: 0 } })
    this.markers = createSeriesMarkers(this.candles, [])
  }

  /** Replaces everything shown: a new symbol or interval. */
  set(rows: ReadonlyArray<KlineRow>): void {
    this.times.clear()
    this.lastOpen = -1
    this.candles.setData(rows.map(candleOf))
    this.volume.setData(rows.map(volumeOf))
    for (const r of rows) this.remember(r[0])
    this.chart.timeScale().fitContent()
    this.publish()
  }

  /** A closed (or revised) candle: appended, or replacing the bar it revises. False if not drawn. */
  upsert(row: KlineRow): boolean {
    const historical = row[0] < this.lastOpen
    if (historical && !this.times.has(row[0])) return false // older than what is loaded: nothing to redraw
    this.candles.update(candleOf(row), historical)
    this.volume.update(volumeOf(row), historical)
    this.remember(row[0])
    // While the chart is young, keep every bar in view as it grows; later, leave the user's zoom alone.
    if (this.times.size <= FIT_WHILE_FEWER_THAN) this.chart.timeScale().fitContent()
    this.publish()
    return true
  }

  /** A retracted candle: its bar and volume leave the chart. False if it was not drawn. */
  remove(openTime: number): boolean {
    if (!this.times.has(openTime)) return false
    this.times.delete(openTime)
    const time = seconds(openTime)
    this.candles.setData(this.candles.data().filter((d) => d.time !== time))
    this.volume.setData(this.volume.data().filter((d) => d.time !== time))
    this.lastOpen = Math.max(-1, ...this.times)
    this.publish()
    return true
  }

  mark(marked: ReadonlyArray<Marked>): void {
    const onChart = marked.filter((m) => this.times.has(m.openTime)).sort((a, b) => a.openTime - b.openTime)
    const markers: Array<SeriesMarker<Time>> = onChart.map((m) => ({
      time: seconds(m.openTime),
      position: "aboveBar",
      shape: "arrowDown",
      color: m.severity === "high" ? "#ff4d4f" : "#faad14",
      text: m.label
    }))
    this.markers.setMarkers(markers)
    this.element.dataset["markers"] = onChart.map((m) => m.openTime).join(",")
  }

  private remember(openTime: number): void {
    this.times.add(openTime)
    if (openTime > this.lastOpen) this.lastOpen = openTime
  }

  private publish(): void {
    this.element.dataset["candles"] = String(this.times.size)
    this.element.dataset["lastOpen"] = String(this.lastOpen)
  }
}

const candleOf = (r: KlineRow) => ({ time: seconds(r[0]), open: Number(r[1]), high: Number(r[2]), low: Number(r[3]), close: Number(r[4]) })
const volumeOf = (r: KlineRow) => ({
  time: seconds(r[0]),
  value: Number(r[5]),
  color: Number(r[4]) >= Number(r[1]) ? "rgba(38,166,154,0.5)" : "rgba(239,83,80,0.5)"
})
