/**
 * A stand-in (emulator, fake endpoint, peer) as a test's scoped resource: started when the test's
 * scope opens, closed when it closes, whether the test passed or failed. With `@effect/vitest`'s
 * `it.live` for a test alone, or `layer` for a describe that shares one.
 */
import { Effect } from "effect"

export const scopedStandIn = <A extends { readonly close: () => Promise<void> }>(start: () => Promise<A>) =>
  Effect.acquireRelease(Effect.promise(start), (standIn) => Effect.promise(() => standIn.close()))
