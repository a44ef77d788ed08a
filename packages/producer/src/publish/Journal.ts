/**
 * Batches the queue could not take, on local disk, in order, until it takes them again: a
 * stopped or unreachable queue loses nothing, and neither does a producer restarted meanwhile.
 *
 * `journal.ndjson` holds one encoded batch per line; `journal.offset` counts the lines already
 * published. Both are emptied once everything is out.
 */
import { appendFile, mkdir, readFile, rm, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { Context, Effect, Layer, Schema } from "effect"
import { TradeBatchFromJson, type TradeBatch } from "@blockchaincore/core/trade/TradeBatch"
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"

export class JournalError extends Schema.TaggedError<JournalError>()("JournalError", {
  path: Schema.String,
  message: Schema.String
}) {}

export class Journal extends Context.Service<
  Journal,
  {
    readonly append: (batches: ReadonlyArray<TradeBatch>) => Effect.Effect<void, JournalError>
    /** The oldest `n` batches not yet published. */
    readonly peek: (n: number) => ReadonlyArray<TradeBatch>
    /** The oldest `n` batches are published: forget them. */
    readonly commit: (n: number) => Effect.Effect<void, JournalError>
    readonly size: () => number
  }
>()("@blockchaincore/producer/publish/Journal") {
  static readonly layer = (dir: string) =>
    Layer.effect(
      Journal,
      Effect.gen(function* () {
        const linesPath = join(dir, "journal.ndjson")
        const offsetPath = join(dir, "journal.offset")
        const io = <A>(path: string, run: () => Promise<A>) =>
          Effect.tryPromise({ try: run, catch: (e) => new JournalError({ path, message: errorMessage(e) }) })
        yield* io(dir, () => mkdir(dir, { recursive: true }))
        const text = yield* io(linesPath, () => readFile(linesPath, "utf8").catch(() => ""))
        const offset = Number(yield* io(offsetPath, () => readFile(offsetPath, "utf8").catch(() => "0"))) || 0
        const encode = Schema.encodeSync(TradeBatchFromJson)
        const decode = Schema.decodeUnknownSync(TradeBatchFromJson)
        const pending: Array<TradeBatch> = text
          .split("\n")
          .filter((l) => l.length > 0)
          .slice(offset)
          .map((l) => decode(l))
        let committed = offset

        return Journal.of({
          append: (batches) =>
            Effect.suspend(() => {
              pending.push(...batches)
              return io(linesPath, () => appendFile(linesPath, batches.map((b) => `${encode(b)}\n`).join(""), { flush: true }))
            }),
          peek: (n) => pending.slice(0, n),
          commit: (n) =>
            Effect.suspend(() => {
              pending.splice(0, n)
              committed += n
              if (pending.length === 0) {
                committed = 0
                return io(dir, () => Promise.all([rm(linesPath, { force: true }), rm(offsetPath, { force: true })]))
              }
              return io(offsetPath, () => writeFile(offsetPath, String(committed), { flush: true }))
            }),
          size: () => pending.length
        })
      })
    )
}
