/** FIFO partial batch failure, as Powertools' SqsFifoPartialProcessor does it: a failure stops its group, not the others; a lone failure stops nothing. */
import fc from "fast-check"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { processFifoPartially } from "../src/pipe/FifoPartialBatch.ts"

type Fate = "ok" | "fails" | "failsAlone"

describe("processFifoPartially", () => {
  it("fails a failed record and every later record of its group, unprocessed; other groups and lone failures go on", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom("a", "b", "c"), fc.constantFrom<Fate>("ok", "ok", "fails", "failsAlone")), { maxLength: 30 }),
        async (spec) => {
          const records = spec.map(([group, fate], i) => ({ id: `m${i}`, group, item: fate }))
          const processed: Array<string> = []
          const failed = await Effect.runPromise(
            processFifoPartially(records, (r) =>
              Effect.suspend(() => {
                processed.push(r.id)
                return r.item === "ok" ? Effect.void : Effect.fail({ alone: r.item === "failsAlone", message: r.item })
              })
            )
          )
          // The model: walk the records, a group stops at its first failure that is not alone.
          const stopped = new Set<string>()
          const expectedFailed: Array<string> = []
          const expectedProcessed: Array<string> = []
          for (const r of records) {
            if (stopped.has(r.group)) {
              expectedFailed.push(r.id)
              continue
            }
            expectedProcessed.push(r.id)
            if (r.item === "ok") continue
            expectedFailed.push(r.id)
            if (r.item === "fails") stopped.add(r.group)
          }
          expect(failed).toEqual(expectedFailed)
          expect(processed).toEqual(expectedProcessed)
        }
      ),
      { numRuns: 200 }
    )
  })
})
