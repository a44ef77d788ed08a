/**
 * A bus subscription's function, whichever entry it runs: `CONSUMER` (set per subscription by
 * stacks/events.ts) names the registry entry, whose handler runs on the AWS ports it takes. An
 * event that does not decode is logged and counted, not retried (it never will decode); a
 * failure to handle it throws, so Lambda retries the event and, after its retries, keeps it in
 * the subscription's failure destination.
 */
import { Context, Effect, Layer, ManagedRuntime, Option, Schema } from "effect"
import { consume } from "@blockchaincore/pipeline/Pipeline"
import { TraceParent } from "@blockchaincore/core/tracing/TraceParent"
import { flushed, functionTracing } from "../runtime/Tracing.ts"
import { DomainEvent, EVENT_SOURCE } from "@blockchaincore/core/events/DomainEvent"
import type { EventHandler } from "@blockchaincore/services/consumers/ConsumerDeclaration"
import { REGISTRY } from "@blockchaincore/services/consumers/ConsumerRegistry"
import { oneLine } from "@blockchaincore/core/errors/errorMessage"
import type { PortLayers } from "@blockchaincore/services/consumers/ConsumerDeclaration"
import { countOne } from "../runtime/EmbeddedMetrics.ts"
import { reportMalformed } from "../runtime/MalformedInput.ts"
import { ConsumerFailed } from "../runtime/HandlerErrors.ts"

/** An EventBridge event as a rule hands it to Lambda; other fields are ignored. */
export const BusEvent = Schema.Struct({
  id: Schema.String,
  source: Schema.Literal(EVENT_SOURCE),
  "detail-type": Schema.String,
  detail: DomainEvent
})

/** The trace context the bus adapter put in the event's detail (EventBridgeEventBus.ts), if any. */
const Traced = Schema.Struct({ detail: Schema.Struct({ traceparent: Schema.optionalKey(TraceParent) }) })

export const ConsumerName = Schema.Literals(REGISTRY.map((c) => c.name))

export type ConsumerOutcome = "handled" | "malformed"

class Handler extends Context.Service<Handler, EventHandler>()("@blockchaincore/aws/consumers/Handler") {}

/** The handler of one registry entry, as its function runs it. */
export const consumerOn =
  (ports: PortLayers) =>
  (name: string): ((event: unknown) => Promise<ConsumerOutcome>) => {
    const entry = REGISTRY.find((c) => c.name === name)
    const runtime = ManagedRuntime.make(
      Layer.merge(Layer.effect(Handler, entry === undefined ? Effect.die(`no consumer ${name} in the registry`) : entry.handlerOn(ports)), functionTracing)
    )
    return (event) =>
      runtime.runPromise(
        flushed(
          Effect.gen(function* () {
            const decoded = Schema.decodeUnknownResult(BusEvent)(event)
            if (decoded._tag === "Failure")
              return yield* reportMalformed(`consumer ${name}`, `event is not a market event: ${oneLine(decoded.failure)}`).pipe(
                Effect.as("malformed" as const)
              )
            const traceparent = Option.getOrUndefined(Schema.decodeUnknownOption(Traced)(event))?.detail.traceparent
            yield* consume(name, yield* Handler)(decoded.success.detail, traceparent).pipe(
              Effect.mapError((e) => new ConsumerFailed({ consumer: name, message: `consumer ${name}: ${e._tag}: ${e.message}` })),
              // Counted before Lambda retries it: a failure that a retry then handles is seen too.
              Effect.tapError((e) => countOne("ConsumerFailed", { name: "Consumer", value: name }, { level: "error", reason: e.message }))
            )
            return "handled" as const
          })
        )
      )
  }
