/** The real recording with BTCUSDT's prices from 00:00 on raised by 20%, exactly: an anomaly on a known candle. */
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { formatUnits, PRICE_SCALE } from "@blockchaincore/core/decimal/Decimal"
import { loadRecording } from "@blockchaincore/replay/Recording"
import { RECORDING, sharedFile } from "./sharedData.ts"

export const JUMP_AT = Date.UTC(2024, 7, 9, 0, 0)

export const alteredRecording = (): string => {
  const lines = loadRecording(sharedFile(RECORDING)).map((f) => {
    if (f.trade.symbol !== "BTCUSDT" || f.trade.time < JUMP_AT) return f.text
    const raised = formatUnits((f.trade.price * 12n) / 10n, PRICE_SCALE, 8)
    return f.text.replace(/"p":"[0-9.]+"/, `"p":"${raised}"`)
  })
  const file = join(mkdtempSync(join(tmpdir(), "blockchaincore-altered-")), "altered.ndjson")
  writeFileSync(file, lines.join("\n"))
  return file
}
