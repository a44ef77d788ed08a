/** `npm run cost`'s flags, each decoded with a schema. */
import { Schema } from "effect"
import { Flag } from "effect/cli"
import { LocalUrl } from "../ops/Stage.ts"

const wholeNumber = (name: string, max: number, fallback: number, description: string) =>
  Flag.Int(name).pipe(
    Flag.withSchema(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: max }, { message: `--${name} must be a whole number from 1 to ${max}` }))),
    Flag.withDefault(fallback),
    Flag.withDescription(`${description} (1 to ${max}; default ${fallback})`)
  )

/** The highest rate a symbol is counted at: the run reproduces every trade, and above it takes minutes. */
export const MAX_RATE = 1000

export const COST_FLAGS = {
  symbols: wholeNumber("symbols", 20, 10, "Symbols streamed"),
  rate: wholeNumber("rate", MAX_RATE, 25, "Trades a second per symbol"),
  minutes: wholeNumber("minutes", 24 * 60, 61, "Minutes of stream time counted"),
  tracesSample: Flag.Finite("traces-sample").pipe(
    Flag.withSchema(Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 1 }, { message: "--traces-sample must be a share from 0 to 1" }))),
    Flag.withDefault(0.01),
    Flag.withDescription("The stage's share of batches traced, 0 for a stage without tracing (default 0.01)")
  ),
  fromLocal: Flag.String("from-local").pipe(
    Flag.withSchema(LocalUrl),
    Flag.optional,
    Flag.withDescription(
      `Take the symbols and their trade rate from a running local runtime (its /health), e.g. http://127.0.0.1:8787; at most ${MAX_RATE} trades/s a symbol`
    )
  )
}
