/**
 * Trade files are input from outside: garbage lines anywhere in a real file (random text, cut
 * rows, bytes that are not UTF-8, fields out of place; not a header, which a first line may be)
 * are each rejected with their line number,
 * and the good rows around them give exactly the candles of the clean file. Bounded: 25 files.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import fc from "fast-check"
import { expect, it } from "vitest"
import { isHeaderRow } from "@blockchaincore/binance/archive/ArchiveRow"
import { candlesOfFile, type Rejection } from "../src/candles/CandlesOfFile.ts"
import { describeWithSharedData, sharedFile } from "@blockchaincore/testkit/sharedData"

const dir = mkdtempSync(join(tmpdir(), "blockchaincore-tradefile-fuzz-"))
const candlesOf = (path: string) => {
  const rejections: Array<Rejection> = []
  return Effect.runPromise(candlesOfFile(path, { interval: "5m", symbol: "XRPETH" }, (r) => Effect.sync(() => void rejections.push(r)))).then((result) => ({
    result,
    rejections
  }))
}

/** A line no archive row looks like: never empty (an empty line is skipped, not rejected), never a header. */
const garbage = fc
  .oneof(
    fc.string({ minLength: 1, maxLength: 120 }),
    fc.array(fc.string({ maxLength: 12 }), { minLength: 2, maxLength: 10 }).map((fields) => fields.join(",")),
    fc.constantFrom(
      "13519807,0.00141342,23.00000000,15373518",
      "13519807,-1,23,15373518,15373518,1570752011620,True,True",
      "\u00ff\u00fe\u0000",
      "13519807,0.00141342,23.00000000,15373518,15373517,1570752011620,True,True"
    )
  )
  .filter((line) => line.trim().length > 0 && !line.includes("\n") && !line.includes("\r") && !isHeaderRow(line.split(",")))

describeWithSharedData("a trade file with garbage in it", () => {
  it("rejects exactly the garbage lines, by number, and keeps the candles of the good rows", async () => {
    const good = readFileSync(sharedFile("XRPETH-aggTrades-2019-10-11.csv"), "utf8")
      .split("\n")
      .filter((l) => l.length > 0)
    const clean = join(dir, "XRPETH-aggTrades-2019-10-11.csv")
    writeFileSync(clean, `${good.join("\n")}\n`)
    const expected = (await candlesOf(clean)).result.candles
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat({ max: good.length }), garbage), { minLength: 1, maxLength: 20 }), async (inserts) => {
        const lines = [...good]
        // Inserted from the end, so earlier positions stay put.
        for (const [at, line] of [...inserts].sort((a, b) => b[0] - a[0])) lines.splice(at, 0, line)
        const path = join(dir, "XRPETH-aggTrades-fuzzed.csv")
        writeFileSync(path, `${lines.join("\n")}\n`)
        const { result, rejections } = await candlesOf(path)
        const bad = lines.flatMap((l, i) => (good.includes(l) ? [] : [i + 1]))
        expect(rejections.map((r) => r.line)).toEqual(bad)
        expect(result.candles).toEqual(expected)
      }),
      { numRuns: 25 }
    )
  })
})
