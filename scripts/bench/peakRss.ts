/**
 * Preloaded into a measured process (`NODE_OPTIONS=--import …/peakRss.ts`): at exit it writes the
 * process's peak resident set to standard error as `peak-rss-kb N`, so the bench can read any
 * process's peak, the CLI's included, without wrapping it. From /proc (VmHWM): `resourceUsage()`'s
 * maxRSS survives exec, so a child would report its parent's peak if that was higher.
 */
import { readFileSync } from "node:fs"

process.on("exit", () => {
  const peak = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? String(process.resourceUsage().maxRSS)
  process.stderr.write(`\npeak-rss-kb ${peak}\n`)
})
