/**
 * Where the producer resumes, per symbol: after the last trade the processor applied, as its
 * stored state says (the local store, or the state table on AWS). A trade id past that point is
 * then a gap the producer fills from REST, so a restart loses no trade; the gaps the engine
 * still holds open are asked for again, and so is a cold start's opening it still waits for.
 */
import { Effect } from "effect"
import type { Gap } from "@blockchaincore/core/gaps/Gap"
import type { EngineStateStore } from "@blockchaincore/core/ports/EngineStateStore"

export const resumePoints = Effect.fn("resumePoints")(function* (store: EngineStateStore["Service"], symbols: ReadonlyArray<string>) {
  const resumeFrom = new Map<string, { readonly id: number; readonly time: number }>()
  const openGaps: Array<Gap> = []
  const awaitingOpening: Array<{ readonly symbol: string; readonly id: number; readonly time: number }> = []
  for (const symbol of symbols) {
    const { state } = yield* store.loadState(symbol)
    if (state === undefined) continue
    if (state.highestId >= 0) resumeFrom.set(symbol, { id: state.highestId, time: state.lastTradeTime })
    openGaps.push(...state.gaps)
    if (state.unknownStart !== undefined) awaitingOpening.push({ symbol, id: state.unknownStart.beforeId, time: state.unknownStart.time })
  }
  return { resumeFrom, openGaps, awaitingOpening }
})

/**
 * The gaps the stored states hold now, for the producer to read again while it runs: one it does
 * not know of is trades lost after it sent them. A store that cannot answer gives none this time.
 */
export const storedGaps = (store: EngineStateStore["Service"], symbols: ReadonlyArray<string>): Effect.Effect<ReadonlyArray<Gap>> =>
  // Only the states an index says hold a gap are loaded: usually none of thousands.
  store.symbolsWithGaps.pipe(
    Effect.map((withGaps) => new Set(withGaps)),
    Effect.flatMap((withGaps) =>
      Effect.forEach(
        symbols.filter((s) => withGaps.has(s)),
        (symbol) => Effect.map(store.loadState(symbol), ({ state }) => state?.gaps ?? [])
      )
    ),
    Effect.map((perSymbol) => perSymbol.flat()),
    Effect.catch((e) => Effect.logWarning(`the stored gaps could not be read (${e.message}); asked again later`).pipe(Effect.as([])))
  )
