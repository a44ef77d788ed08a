/** `npm run cost -- [--symbols 10] [--rate 25] [--minutes 61] [--traces-sample 0.01] [--from-local URL]`, decoded with a schema. */
import { parseArgs } from "node:util"
import { Schema } from "effect"

const PositiveInt = (name: string, max: number) =>
  Schema.FiniteFromString.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: max }, { message: `--${name} must be a whole number from 1 to ${max}` }))

/** The highest rate a symbol is counted at: the run reproduces every trade, and above it takes minutes. */
export const MAX_RATE = 1000

const Args = Schema.Struct({
  symbols: PositiveInt("symbols", 20),
  rate: PositiveInt("rate", MAX_RATE),
  minutes: PositiveInt("minutes", 24 * 60),
  /** The share of batches traced (the stage's BLOCKCHAINCORE_TRACES_SAMPLE); 0 for a stage without tracing. */
  "traces-sample": Schema.FiniteFromString.check(Schema.isBetween({ minimum: 0, maximum: 1 }, { message: "--traces-sample must be a share from 0 to 1" })),
  "from-local": Schema.optionalKey(Schema.String.check(Schema.isPattern(/^https?:\/\/[^\s]+$/, { message: "--from-local takes a local runtime's URL, like http://127.0.0.1:8787" })))
})
export type CostArgs = typeof Args.Type

/** The arguments, or an Error saying which is wrong (an unknown flag included). */
export const costArgs = (argv: ReadonlyArray<string>): CostArgs => {
  const { values } = parseArgs({ args: [...argv], options: { symbols: { type: "string", default: "10" }, rate: { type: "string", default: "25" }, minutes: { type: "string", default: "61" }, "traces-sample": { type: "string", default: "0.01" }, "from-local": { type: "string" } } })
  const args = Schema.decodeUnknownResult(Args)(values)
  if (args._tag === "Failure") throw new Error(args.failure.message)
  return args.success
}
