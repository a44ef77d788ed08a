/**
 * The AWS layers read the function's linked resources: a missing link fails naming it, and the
 * webhook consumer is off (notifies nowhere, fails nothing) while its secret is "none".
 */
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit } from "effect"
import { Webhook } from "@blockchaincore/core/ports/Webhook"
import { candleStoreLayer } from "../src/runtime/AwsLayers.ts"
import { webhookLayer } from "../src/runtime/AwsPorts.ts"

describe("AWS layers from linked resources", () => {
  it.effect("turns the webhook consumer off while its secret is unset, and names a missing link", () =>
    Effect.gen(function* () {
      process.env["SST_RESOURCE_App"] = JSON.stringify({ name: "blockchaincore", stage: "test" })
      process.env["SST_RESOURCE_WebhookUrl"] = JSON.stringify({ type: "sst.sst.Secret", value: "none" })
      const channel = yield* Webhook.use((n) => n.notify({ subject: "s", body: "b", severity: "high" }).pipe(Effect.as(n.channel))).pipe(
        Effect.provide(webhookLayer)
      )
      expect(channel).toBe("webhook (off)")
      const missing = yield* Effect.exit(Effect.void.pipe(Effect.provide(candleStoreLayer)))
      expect(Exit.isFailure(missing) && Cause.pretty(missing.cause)).toMatch(/linked resource Candles: Missing key/)
    })
  )
})
