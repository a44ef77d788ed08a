/**
 * Lines of a trade file to trades. Three kinds of file are read, told apart by their first
 * meaningful line: a recording of the combined trade stream (NDJSON, a JSON frame per line), a
 * public-archive raw trades CSV, or a public-archive aggTrades CSV (ms or µs timestamps).
 */
import { basename } from "node:path"
import { Result, Schema } from "effect"
import { type ArchiveFormat, decodeArchiveRow, detectArchiveFormat, isHeaderRow } from "@blockchaincore/binance/archive/ArchiveRow"
import { decodeFrame } from "@blockchaincore/binance/stream/FrameDecoder"
import type { Trade } from "@blockchaincore/core/trade/Trade"

type DecodedLine = { readonly _tag: "Trade"; readonly trade: Trade } | { readonly _tag: "Skipped" } | { readonly _tag: "Rejected"; readonly reason: string }

type FileFormat = { readonly kind: "stream" } | ({ readonly kind: "archive" } & ArchiveFormat)

/** Public-archive files are named SYMBOL-trades-DATE.csv or SYMBOL-aggTrades-DATE.csv. */
const symbolFromFileName = (path: string): string | undefined => /^([A-Z0-9]{2,20})-(?:trades|aggTrades)-/.exec(basename(path))?.[1]

/** Whether a line is JSON at all, for telling a recording from a stray line before its first frame. */
const decodeJsonObject = Schema.decodeUnknownResult(Schema.fromJsonString(Schema.Record(Schema.String, Schema.Unknown)))
const isJsonObject = (line: string): boolean => Result.isSuccess(decodeJsonObject(line))

export class TradeFileDecoder {
  format: FileFormat | undefined
  private readonly archiveSymbol: string | undefined
  private readonly onlySymbol: string | undefined
  /** Every symbol the file's trades are of, kept or not: what a `--symbol` the file lacks is told. */
  readonly symbols = new Set<string>()

  /**
   * @param symbol For a stream recording, the one symbol to keep; for an archive file, whose
   *   rows do not name it, the symbol they are of (else taken from the file name).
   */
  constructor(path: string, symbol: string | undefined) {
    this.onlySymbol = symbol
    this.archiveSymbol = symbol ?? symbolFromFileName(path)
  }

  decode(line: string): DecodedLine {
    if (line.trim().length === 0) return { _tag: "Skipped" }
    if (this.format === undefined) {
      const detected = this.detect(line)
      if (detected !== "detected") return detected
    }
    if (this.format?.kind !== "archive") return this.decodeFrameLine(line)
    // A header is a first line only (detect() skips it): one after the data is a bad row.
    const fields = line.split(",")
    if (this.archiveSymbol === undefined) {
      return { _tag: "Rejected", reason: "archive rows do not name their symbol: pass --symbol, or keep the archive's file name (SYMBOL-trades-DATE.csv)" }
    }
    const row = decodeArchiveRow(this.format, this.archiveSymbol, fields)
    if (Result.isFailure(row)) return { _tag: "Rejected", reason: row.failure }
    this.symbols.add(this.archiveSymbol)
    return { _tag: "Trade", trade: row.success }
  }

  /**
   * Decides the file's format from its first data line. A header line decides nothing, and nor
   * does a line that is neither a JSON object nor a row of 7 or 8 columns: it is rejected, and the
   * next line decides.
   */
  private detect(line: string): "detected" | DecodedLine {
    if (line.trimStart().startsWith("{")) {
      if (!isJsonObject(line)) return { _tag: "Rejected", reason: "neither a JSON trade frame nor a trades (7 columns) or aggTrades (8 columns) CSV row" }
      this.format = { kind: "stream" }
      return "detected"
    }
    const fields = line.split(",")
    if (isHeaderRow(fields)) return { _tag: "Skipped" }
    const archive = detectArchiveFormat(fields)
    if (archive === undefined) return { _tag: "Rejected", reason: "neither a JSON trade frame nor a trades (7 columns) or aggTrades (8 columns) CSV row" }
    this.format = { kind: "archive", ...archive }
    return "detected"
  }

  private decodeFrameLine(line: string): DecodedLine {
    const decoded = decodeFrame(line)
    switch (decoded._tag) {
      case "Trade":
        this.symbols.add(decoded.trade.symbol)
        return this.onlySymbol === undefined || decoded.trade.symbol === this.onlySymbol ? decoded : { _tag: "Skipped" }
      case "ServerShutdown":
        return { _tag: "Skipped" }
      case "Invalid":
        return { _tag: "Rejected", reason: decoded.message }
    }
  }
}
