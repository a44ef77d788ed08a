/** What a port's contract suite is given: a way to make an empty store of one adapter, and to close it. */
import { Context, Effect, Exit, Layer, Scope } from "effect"

export interface Fresh<S> {
  readonly store: S
  readonly close: () => Promise<void>
}

/** Runs `test` on a store of its own, closed whatever the test's end. */
export const withFresh =
  <S>(fresh: () => Promise<Fresh<S>>, test: (store: S) => Promise<void>) =>
  async () => {
    const { store, close } = await fresh()
    try {
      await test(store)
    } finally {
      await close()
    }
  }

/** The services a layer builds, in a scope of their own (SQLite's adapters open their file in it), closed by `close`. */
export const freshContext = async <I, E>(layer: Layer.Layer<I, E>): Promise<Fresh<Context.Context<I>>> => {
  const scope = await Effect.runPromise(Scope.make())
  const context = await Effect.runPromise(Layer.buildWithScope(layer, scope))
  return { store: context, close: () => Effect.runPromise(Scope.close(scope, Exit.void)) }
}

/** An adapter built as a layer as a fresh store. */
export const freshFromLayer = async <I, S, E>(tag: Context.Key<I, S>, layer: Layer.Layer<I, E>): Promise<Fresh<S>> => {
  const { store: context, close } = await freshContext(layer)
  return { store: Context.get(context, tag), close }
}

export const run = <A, E>(effect: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(effect)

/** "success", or the tag of the failure: what a contract asserts of a refused write. */
export const outcomeOf = <A, E>(effect: Effect.Effect<A, E>): Promise<string> =>
  Effect.runPromise(
    effect.pipe(
      Effect.match({
        onSuccess: () => "success",
        onFailure: (e) => (typeof e === "object" && e !== null && "_tag" in e ? String(e._tag) : "failure")
      })
    )
  )
