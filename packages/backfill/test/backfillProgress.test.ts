/** What a backfill says as it goes and when it ends: the files by outcome, the time left, and the files Binance has not published as runs of days. */
import { describe, expect, it } from "vitest"
import { BackfillProgress, backfillSummary } from "../src/BackfillProgress.ts"

const ASKED = { symbols: ["BTCUSDT"], from: "2024-08-01", to: "2024-08-10", kind: "trades" }

describe("a backfill's progress", () => {
  it("counts files by outcome and estimates the time left from the pace of the files worked", () => {
    const progress = new BackfillProgress(0)
    progress.files = 10
    progress.filesDone = 2
    progress.filesSkipped = 3
    progress.trades = 4_000_000
    progress.bytes = 3 * 1_048_576
    // Two files worked in 60 s: the five left take about 150 s.
    expect(progress.line(60_000)).toBe(
      "backfill: files 5/10 (2 loaded, 3 already done, 0 not published, 0 failed) | 3.0 MiB | 4,000,000 trades, 66,667/s | 0 candles | about 3 min left"
    )
  })

  it("names the files not published as runs of consecutive days, and says when nothing of what was asked is loaded", () => {
    const progress = new BackfillProgress(0)
    const missing = ["BTCUSDT-trades-2024-08-01.zip", "BTCUSDT-trades-2024-08-02.zip", "BTCUSDT-trades-2024-08-03.zip", "BTCUSDT-trades-2024-08-07.zip"]
    expect(backfillSummary(ASKED, progress, missing)).toEqual({
      text: "backfill asked for trades of BTCUSDT from 2024-08-01 to 2024-08-10: nothing of it is loaded; not published: BTCUSDT-trades-2024-08-01 to 2024-08-03, BTCUSDT-trades-2024-08-07",
      nothing: true
    })
    progress.filesDone = 6
    expect(backfillSummary(ASKED, progress, [], ["BTCUSDT-trades-2024-08-05.zip"]).text).toBe(
      "backfill asked for trades of BTCUSDT from 2024-08-01 to 2024-08-10: loaded 6 file(s) now, 0 before; loaded again, re-uploaded by Binance: BTCUSDT-trades-2024-08-05"
    )
  })
})
