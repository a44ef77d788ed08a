/**
 * A batch's SQS FIFO deduplication id: derived from what the batch holds (its id ranges and
 * watermarks), so a batch sent twice is recognised as the same batch. A SHA-256 keeps it within
 * SQS's 128 characters whatever the number of symbols.
 */
import { createHash } from "node:crypto"
import type { TradeBatch } from "@blockchaincore/core/trade/TradeBatch"

export const deduplicationId = (batch: TradeBatch): string => {
  const key = batch.symbols
    .map((s) => `${s.symbol}:${s.trades[0]?.[0] ?? "-"}-${s.trades.at(-1)?.[0] ?? "-"}@${s.watermark}`)
    .join(",")
  return `${batch.shard}-${createHash("sha256").update(key).digest("hex")}`
}
