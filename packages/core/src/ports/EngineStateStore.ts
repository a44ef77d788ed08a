/**
 * The candle engine's state per symbol (its snapshot), written only if nobody else wrote it since
 * it was read (its version): what a restarted processor, the enrichment step and the producer's
 * resume read. On AWS a DynamoDB table; locally a table of the embedded database.
 */
import { Context, type Effect } from "effect"
import type { SymbolSnapshot } from "../candle/EngineSnapshot.ts"
import type { StoreUnavailable, VersionConflict } from "./StoreErrors.ts"

export interface VersionedState {
  /** 0 for a symbol never seen. */
  readonly version: number
  readonly state: SymbolSnapshot | undefined
}

export class EngineStateStore extends Context.Service<
  EngineStateStore,
  {
    readonly loadState: (symbol: string) => Effect.Effect<VersionedState, StoreUnavailable>
    readonly saveState: (symbol: string, state: SymbolSnapshot, expectedVersion: number) => Effect.Effect<number, StoreUnavailable | VersionConflict>
    /**
     * The symbols whose saved state holds an open gap: what the producer reads every 10 minutes to
     * find trades lost after it sent them, without loading every symbol's state (2,000 on AWS).
     */
    readonly symbolsWithGaps: Effect.Effect<ReadonlyArray<string>, StoreUnavailable>
  }
>()("@blockchaincore/core/ports/EngineStateStore") {}
