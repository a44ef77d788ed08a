/**
 * `blockchaincore candles --input FILE [--interval 1m] [--symbol SYMBOL]`: a trade file to
 * Binance kline CSV on standard output. Rejected rows go to standard error as FILE:LINE: reason.
 */
import { Console, Effect, Option, Runtime, Schema } from "effect"
import { Command, Flag } from "effect/cli"
import { INTERVALS } from "@blockchaincore/core/candle/Interval"
import { klineCsvRow } from "@blockchaincore/core/candle/KlineCsv"
import { oneLine } from "@blockchaincore/core/errors/errorMessage"
import { SymbolSpelled } from "@blockchaincore/core/trade/SymbolList"
import { candlesOfFile } from "../candles/CandlesOfFile.ts"
import { readableFile } from "../paths/PathChecks.ts"

/** Exit code when candles were printed but some rows were rejected (1 means nothing could run). */
const EXIT_ROWS_REJECTED = 3

/** A file, or a `--symbol` of it, that gives no candle: said, rather than printing nothing. */
export class NoTrades extends Schema.TaggedError<NoTrades>()("NoTrades", { message: Schema.String }) {}

export class RowsRejected extends Schema.TaggedError<RowsRejected>()("RowsRejected", {
  path: Schema.String,
  rejected: Schema.Int,
  lines: Schema.Int
}) {
  override readonly [Runtime.errorExitCode] = EXIT_ROWS_REJECTED
  // Each row was reported as it was met; the summary line says the rest.
  override readonly [Runtime.errorReported] = false
}

/** Rows reported one by one; past this many only the count is given. */
const REPORTED_ROWS = 100

export const candlesCommand = Command.make(
  "candles",
  {
    input: Flag.String("input").pipe(
      Flag.withDescription("A combined-stream recording (NDJSON, gzipped or not), or a public-archive trades or aggTrades CSV (required)")
    ),
    interval: Flag.Literals("interval", INTERVALS).pipe(Flag.withDefault("1m"), Flag.withDescription(`Kline interval (default 1m)`)),
    symbol: Flag.String("symbol").pipe(
      Flag.withSchema(SymbolSpelled),
      Flag.optional,
      Flag.withDescription("Only this symbol (recordings), or the symbol of an archive file not named SYMBOL-trades-DATE.csv")
    )
  },
  Effect.fn("candles")(function* ({ input, interval, symbol }) {
    yield* readableFile("--input", input)
    let reported = 0
    const result = yield* candlesOfFile(input, { interval, symbol: Option.getOrUndefined(symbol) }, ({ line, reason }) =>
      reported++ < REPORTED_ROWS ? Console.error(`${input}:${line}: ${oneLine({ message: reason })}`) : Effect.void
    )
    if (result.candles.length === 0) {
      const wanted = Option.getOrUndefined(symbol)
      return yield* new NoTrades({
        message:
          wanted !== undefined && result.symbols.length > 0
            ? `--symbol ${wanted}: ${input} has no trades of it; it has ${result.symbols.join(", ")}`
            : `${input} has no trades (${result.lines} lines, ${result.rejected} rejected): a recording of Binance's trade stream or a trades or aggTrades file of its public archive is expected`
      })
    }
    yield* Console.log(result.candles.map(klineCsvRow).join("\n"))
    if (result.rejected > 0) {
      yield* Console.error(`${input}: ${result.rejected} of ${result.lines} lines rejected; candles are from the other lines`)
      return yield* new RowsRejected({ path: input, rejected: result.rejected, lines: result.lines })
    }
  })
).pipe(
  Command.withExamples([
    {
      command: "blockchaincore candles --input packages/testkit/data/XRPETH-aggTrades-2019-10-11.csv --interval 5m",
      description: "A day of XRPETH as 5m klines"
    }
  ]),
  Command.withDescription("Print the candles of a trade file as Binance kline CSV")
)
