/**
 * `node scripts/bench/tardisCandles.ts FILE`: tardis-dev's 1m trade bars of a gzipped stream
 * recording, as a user of tardis-dev would compute them: the file's lines through tardis-dev's
 * own Binance trade mapper and `compute(…, computeTradeBars(…))`. Prints the number of bars.
 * The anchor `npm run bench` times `blockchaincore candles` against.
 */
import { createReadStream } from "node:fs"
import { createInterface } from "node:readline"
import { createGunzip } from "node:zlib"
import { compute, computeTradeBars, normalizeTrades } from "tardis-dev"

const mapper = normalizeTrades("binance", new Date())

async function* trades() {
  const lines = createInterface({ input: createReadStream(process.argv[2] ?? "").pipe(createGunzip()), crlfDelay: Infinity })
  for await (const line of lines) {
    if (line.length === 0) continue
    const message: unknown = JSON.parse(line)
    const mapped = mapper.map(message, new Date())
    if (mapped !== undefined) yield* mapped
  }
}

let bars = 0
for await (const message of compute(trades(), computeTradeBars({ kind: "time", interval: 60_000 }))) {
  if (message.type === "trade_bar") bars++
}
process.stdout.write(`${bars}\n`)
