/** What `monitor` shows, gathered from AWS or from a local runtime, and how it prints. */
export interface Snapshot {
  readonly where: string
  readonly queue?: { readonly depth: number; readonly inFlight: number; readonly deadLetters: number }
  readonly pipe?: { readonly state: string; readonly reason: string | undefined }
  readonly functions: ReadonlyArray<{ readonly name: string; readonly invocations: number; readonly errors: number; readonly p99Millis: number | undefined }>
  readonly lastCandles: ReadonlyArray<{ readonly symbol: string; readonly openTime: number; readonly close: string; readonly ageSeconds: number }>
  readonly anomalies:
    | ReadonlyArray<{ readonly symbol: string; readonly interval: string; readonly rule: string; readonly severity: string; readonly openTime: number }>
    | "not kept here"
  readonly cost?: {
    readonly monthToDate: number
    readonly forecast: number | undefined
    readonly byService: ReadonlyArray<{ readonly service: string; readonly dollars: number }>
  }
  readonly health?: Readonly<Record<string, unknown>>
  readonly problems: ReadonlyArray<string>
}

const time = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace("T", " ")

export const render = (s: Snapshot): string => {
  const out: Array<string> = [`BlockchainCore — ${s.where}`]
  if (s.health !== undefined)
    out.push(
      `  health      ${Object.entries(s.health)
        .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(",") : String(v)}`)
        .join(" · ")}`
    )
  if (s.queue !== undefined)
    out.push(
      `  queue       ${s.queue.depth} waiting, ${s.queue.inFlight} in flight, ${s.queue.deadLetters} dead letters${s.queue.deadLetters > 0 ? "  ⚠" : ""}`
    )
  if (s.pipe !== undefined) out.push(`  pipe        ${s.pipe.state}${s.pipe.reason === undefined ? "" : ` (${s.pipe.reason})`}`)
  if (s.functions.length > 0) {
    out.push("  functions (last hour)")
    for (const f of s.functions)
      out.push(
        `    ${f.name.padEnd(48)} ${String(f.invocations).padStart(7)} calls  ${String(f.errors).padStart(4)} errors  p99 ${f.p99Millis === undefined ? "-" : `${Math.round(f.p99Millis)} ms`}`
      )
  }
  out.push("  last 1m candle per symbol")
  if (s.lastCandles.length === 0) out.push("    none yet")
  for (const c of s.lastCandles) out.push(`    ${c.symbol.padEnd(12)} ${time(c.openTime)}  close ${c.close}  (${c.ageSeconds} s ago)`)
  out.push("  recent anomalies")
  if (s.anomalies === "not kept here") out.push("    not kept on this deployment (see the alert topic)")
  else if (s.anomalies.length === 0) out.push("    none")
  else for (const a of s.anomalies) out.push(`    ${time(a.openTime)}  ${a.symbol} ${a.interval} ${a.rule} (${a.severity})`)
  if (s.cost !== undefined) {
    out.push(
      `  cost        $${s.cost.monthToDate.toFixed(2)} this month so far${s.cost.forecast === undefined ? "" : `, $${s.cost.forecast.toFixed(2)} forecast for the month`}`
    )
    for (const c of s.cost.byService.slice(0, 8)) out.push(`    ${c.service.padEnd(40)} $${c.dollars.toFixed(2)}`)
  }
  for (const p of s.problems) out.push(`  ⚠ ${p}`)
  return out.join("\n")
}
