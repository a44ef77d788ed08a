/**
 * A batch's SQS FIFO deduplication id: derived from what the batch holds (its id ranges,
 * watermarks, and the exchange's confirmations and statuses), so a batch sent twice is recognised
 * as the same batch, and a batch that only brings the exchange's new word is not. A SHA-256 keeps it within
 * SQS's 128 characters whatever the number of symbols.
 */
import { createHash } from "node:crypto"
import type { TradeBatch } from "@blockchaincore/core/trade/TradeBatch"

const wordOf = (part: TradeBatch["symbols"][number]): string =>
  `${part.confirmed === undefined ? "" : `/confirmed ${part.confirmed.lastId}@${part.confirmed.time}`}${(part.statuses ?? []).map((s) => `/${s.trading ? "trading" : "halted"}@${s.time}`).join("")}${part.opening === undefined ? "" : `/opening ${part.opening.firstId}`}`

export const deduplicationId = (batch: TradeBatch): string => {
  const key = batch.symbols.map((s) => `${s.symbol}:${s.trades[0]?.[0] ?? "-"}-${s.trades.at(-1)?.[0] ?? "-"}@${s.watermark}${wordOf(s)}`).join(",")
  return `${batch.shard}-${createHash("sha256").update(key).digest("hex")}`
}
