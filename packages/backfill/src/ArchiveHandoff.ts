/**
 * What makes a backfilled file's archive files: its trades are staged and its candles stored, and
 * its hours (and days) are handed on as `CandleRevised`, the domain event for a closed window
 * that history changed, for the archival service to compact and write as it does for live ones.
 * On AWS that is the bus (the archival function takes them; no other consumer listens to
 * revisions of 1h and 1d candles); locally the command hands them to the archival service itself.
 */
import { Context, Effect, Layer } from "effect"
import type { CandleRevised } from "@blockchaincore/core/events/DomainEvent"
import type { StoreUnavailable } from "@blockchaincore/core/ports/StoreErrors"
import { type BusUnavailable, EventBus } from "@blockchaincore/core/ports/EventBus"
import type { ArchiveUnavailable } from "@blockchaincore/core/ports/TradeArchive"

export class ArchiveHandoff extends Context.Service<
  ArchiveHandoff,
  {
    readonly loaded: (revisions: ReadonlyArray<CandleRevised>) => Effect.Effect<void, ArchiveUnavailable | BusUnavailable | StoreUnavailable>
  }
>()("@blockchaincore/backfill/ArchiveHandoff") {
  /** Published to the bus, for the archival consumer wherever it runs. */
  static readonly viaBus = Layer.effect(
    ArchiveHandoff,
    Effect.gen(function* () {
      const bus = yield* EventBus
      return ArchiveHandoff.of({ loaded: (revisions) => bus.publish(revisions) })
    })
  )
}
