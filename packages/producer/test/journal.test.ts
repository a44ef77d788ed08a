/** The journal keeps unpublished batches on disk, in order, across a restart, and empties once drained. */
import { existsSync, mkdtempSync, readdirSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { TradeBatch } from "@blockchaincore/core/trade/TradeBatch"
import { Journal } from "../src/publish/Journal.ts"

const batch = (n: number): TradeBatch => ({
  shard: n % 2,
  epoch: 1,
  symbols: [{ symbol: "BTCUSDT", watermark: 1_723_161_255_000 + n, trades: [[n, 6_183_763_000_000n + BigInt(n), 1n, 1_723_161_255_000 + n, false]] }]
})

/** The journal in `dir`, opened afresh for `f` and closed after it: each call is a process of its own. */
const withJournal = <A, E>(dir: string, f: (j: Journal["Service"]) => Effect.Effect<A, E>) => Journal.use(f).pipe(Effect.provide(Journal.layer(dir)))

it.effect("keeps batches across a restart, in order, and forgets them once committed", () =>
  Effect.gen(function* () {
    const dir = join(mkdtempSync(join(tmpdir(), "blockchaincore-journal-")), "j")
    yield* withJournal(dir, (j) =>
      Effect.gen(function* () {
        yield* j.append([batch(1), batch(2)])
        yield* j.append([batch(3)])
        yield* j.commit(1)
      })
    )
    // A new process: what was not committed is still there, in order.
    const after = yield* withJournal(dir, (j) => Effect.succeed({ size: j.size(), first: j.peek(10) }))
    expect(after).toEqual({ size: 2, first: [batch(2), batch(3)] })
    yield* withJournal(dir, (j) => j.commit(2))
    expect(yield* withJournal(dir, (j) => Effect.succeed(j.size()))).toBe(0)
    expect(existsSync(dir) && readdirSync(dir)).toEqual([])
  })
)
