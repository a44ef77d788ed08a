/**
 * `npm run cost -- --symbols 10 --rate 25 --minutes 61 --traces-sample 0.01` (its defaults): a monthly AWS cost estimate, per
 * service, from the requests the AWS adapters make in a local run at that rate (scripts/cost/),
 * with the price table and the assumptions printed. Also runs one symbol more, to show what each
 * further symbol adds. The run starts at 23:00 UTC so it closes one hour and one day.
 * `--from-local http://127.0.0.1:8787` takes the symbols and their trade rate from a running local
 * runtime instead (its /health: the symbols streamed and their trades per second, averaged).
 */
import { Option } from "effect"
import { Command } from "effect/cli"
import { COST_FLAGS } from "./cost/CostArgs.ts"
import { countedRun } from "./cost/CountedRun.ts"
import { estimate, type Estimate } from "./cost/Estimate.ts"
import { PRICES, REGION } from "./cost/Prices.ts"
import { measuredRates } from "./cost/MeasuredRates.ts"
import { symbolsFor } from "./cost/SyntheticMarket.ts"
import { runScriptCommand, scriptWork } from "./ops/ScriptCommand.ts"

const money = (n: number) => `$${n.toFixed(2).padStart(7)}`
const print = (title: string, e: Estimate) => {
  console.log(`\n${title}`)
  for (const l of e.lines) console.log(`  ${l.service.padEnd(24)} ${money(l.dollars)}   ${l.usage}`)
  console.log(`  ${"Total".padEnd(24)} ${money(e.total)}`)
  console.log(
    `  ${"Total, producer on Spot".padEnd(24)} ${money(e.totalOnSpot)}   BLOCKCHAINCORE_PRODUCER_CAPACITY=spot: an interruption is a restart whose missed trades are filled from REST`
  )
}

const START = Date.UTC(2024, 7, 8, 23, 0)
runScriptCommand(
  Command.make(
    "cost",
    COST_FLAGS,
    scriptWork("cost", async (args) => {
      const { minutes } = args
      const { symbols, rate } = Option.isNone(args.fromLocal) ? args : await measuredRates(args.fromLocal.value)
      console.error(
        `counting: ${symbols} symbols at ${rate} trades/s for ${minutes} minutes of stream time (and ${symbols + 1} symbols, for the marginal cost)...`
      )
      const base = estimate(await countedRun(symbolsFor(symbols), rate, START, minutes), PRICES, args.tracesSample)
      const more = estimate(await countedRun(symbolsFor(symbols + 1), rate, START, minutes), PRICES, args.tracesSample)

      print(`Monthly AWS cost, ${symbols} symbols at ${rate} trades/s each (${REGION}, on-demand list prices, no free tier)`, base)
      console.log(`\nEach further symbol adds about ${money(more.total - base.total).trim()} a month (${symbols + 1} symbols: ${money(more.total).trim()}).`)
      console.log("\nAssumptions")
      for (const a of base.assumptions) console.log(`  - ${a}`)
      console.log(`\nPrice table (${REGION}, USD; scripts/cost/Prices.ts)`)
      for (const [k, v] of Object.entries(PRICES)) console.log(`  ${k.padEnd(32)} ${v}`)
      return 0
    })
  ).pipe(
    Command.withDescription("A monthly AWS cost estimate, per service, counted from the AWS code path run at that rate"),
    Command.withExamples([
      { command: "npm run cost -- --symbols 10 --rate 25 --traces-sample 0.01", description: "10 symbols at 25 trades/s each, 1% of batches traced" },
      { command: "npm run cost -- --from-local http://127.0.0.1:8787", description: "The symbols and rate of a running local runtime" }
    ])
  )
)
