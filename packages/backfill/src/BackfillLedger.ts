/**
 * What a backfill has finished, so that a run after an interruption starts where the last one
 * stopped: per archive file, its counts and the symbol's engine state at the file's end (the next
 * file goes on from it, so windows across the boundary, and empty minutes after it, come out as
 * one uninterrupted run would make them). Locally one JSON file per archive file, written to a
 * temporary name and renamed; read back through its schema.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { Context, Effect, Layer, Schema } from "effect"
import { SymbolSnapshot } from "@blockchaincore/core/candle/EngineSnapshot"
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"

export const FileDone = Schema.Struct({
  name: Schema.String,
  trades: Schema.Int,
  candles: Schema.Int,
  state: Schema.NullOr(SymbolSnapshot),
  /** The SHA-256 the file had when it was loaded: a later run that finds another has found it re-uploaded. */
  sha256: Schema.String
})
export type FileDone = typeof FileDone.Type

export class LedgerUnavailable extends Schema.TaggedError<LedgerUnavailable>()("LedgerUnavailable", { message: Schema.String }) {}

const FileDoneJson = Schema.fromJsonString(FileDone)

export class BackfillLedger extends Context.Service<
  BackfillLedger,
  {
    readonly done: (name: string) => Effect.Effect<FileDone | undefined, LedgerUnavailable>
    readonly markDone: (entry: FileDone) => Effect.Effect<void, LedgerUnavailable>
  }
>()("@blockchaincore/backfill/BackfillLedger") {
  /** The ledger in `dir`, one `NAME.json` per finished file. */
  static readonly directory = (dir: string) =>
    Layer.succeed(
      BackfillLedger,
      BackfillLedger.of({
        done: (name) =>
          Effect.tryPromise({
            try: () =>
              readFile(join(dir, `${name}.json`), "utf8").then(
                (text) => text,
                (e: NodeJS.ErrnoException) => (e.code === "ENOENT" ? undefined : Promise.reject(e))
              ),
            catch: (e) => new LedgerUnavailable({ message: `read ${name}: ${errorMessage(e)}` })
          }).pipe(
            Effect.flatMap((text) => (text === undefined ? Effect.succeed(undefined) : Schema.decodeUnknownEffect(FileDoneJson)(text))),
            Effect.mapError((e) =>
              e._tag === "LedgerUnavailable" ? e : new LedgerUnavailable({ message: `the ledger's entry for ${name} is corrupt: ${e.message}` })
            )
          ),
        markDone: (entry) =>
          Effect.tryPromise({
            try: async () => {
              await mkdir(dir, { recursive: true })
              const path = join(dir, `${entry.name}.json`)
              await writeFile(`${path}.tmp`, Schema.encodeSync(FileDoneJson)(entry))
              await rename(`${path}.tmp`, path)
            },
            catch: (e) => new LedgerUnavailable({ message: `record ${entry.name}: ${errorMessage(e)}` })
          })
      })
    )
}
