/**
 * A trade file to its candles: every line decoded, the good ones through the candle engine, the
 * bad ones handed to `onRejected` with their line number, none of them stopping the rest.
 */
import { Effect, Stream } from "effect"
import type { Candle } from "@blockchaincore/core/candle/Candle"
import { CandleEngine } from "@blockchaincore/core/candle/CandleEngine"
import type { Interval } from "@blockchaincore/core/candle/Interval"
import { fileLines, InputFileError } from "../input/FileLines.ts"
import { TradeFileDecoder } from "../input/TradeFileDecoder.ts"

export interface CandlesOfFile {
  /** Sorted by symbol, then open time; a window revised while reading appears once, revised. */
  readonly candles: ReadonlyArray<Candle>
  readonly lines: number
  readonly trades: number
  readonly rejected: number
  readonly duplicates: number
  /** The symbols of the file's trades, sorted: with `--symbol`, those it was not among too. */
  readonly symbols: ReadonlyArray<string>
}

export interface Rejection {
  readonly line: number
  readonly reason: string
}

/** A file whose first this-many lines are all rejected is not a trade file: said once, not line by line. */
const FIRST_LINES_REJECTED = 10

export const candlesOfFile = <R>(
  path: string,
  options: { readonly interval: Interval; readonly symbol: string | undefined },
  onRejected: (rejection: Rejection) => Effect.Effect<void, never, R>
): Effect.Effect<CandlesOfFile, InputFileError, R> =>
  Effect.gen(function* () {
    const decoder = new TradeFileDecoder(path, options.symbol)
    // A file is history: every window it covers is final once it has been read, so no grace.
    const engine = new CandleEngine({ intervals: [options.interval], graceMillis: 0 })
    const byWindow = new Map<string, Candle>()
    const keep = () => {
      for (const output of engine.drain()) {
        if (output._tag === "CandleClosed" || output._tag === "CandleRevised") {
          byWindow.set(`${output.candle.symbol}\u0000${String(output.candle.openTime).padStart(16, "0")}`, output.candle)
        }
      }
    }
    let lines = 0
    let rejected = 0
    yield* fileLines(path).pipe(
      Stream.runForEach((chunk) => {
        const rejections: Array<Rejection> = []
        for (const text of chunk) {
          const line = ++lines
          const decoded = decoder.decode(text)
          if (decoded._tag === "Trade") {
            engine.apply(decoded.trade)
            if (line % 8192 === 0) keep()
          } else if (decoded._tag === "Rejected") {
            rejected++
            rejections.push({ line, reason: decoded.reason })
            if (engine.counters.applied + engine.counters.duplicates === 0 && rejected === FIRST_LINES_REJECTED) {
              const first = rejections[0]!
              return Effect.fail(
                new InputFileError({
                  path,
                  message: `not a file of trades: its first ${FIRST_LINES_REJECTED} lines are none (line ${first.line}: ${first.reason}); a recording of Binance's trade stream or a trades or aggTrades file of its public archive is expected`
                })
              )
            }
          }
        }
        return rejections.length === 0 ? Effect.void : Effect.forEach(rejections, onRejected, { discard: true })
      })
    )
    engine.flush()
    keep()
    const candles = [...byWindow.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c)
    return { candles, lines, trades: engine.counters.applied, rejected, duplicates: engine.counters.duplicates, symbols: [...decoder.symbols].sort() }
  })
