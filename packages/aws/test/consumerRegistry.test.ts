/**
 * Each registry entry's `needs` (from which the stacks grant its function's permissions and
 * links) are exactly the ports its layer takes: a port taken but not declared would fail on AWS
 * for want of a grant, one declared but not taken would be a grant too many.
 */
import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { AlertConditions } from "@blockchaincore/core/ports/AlertConditions"
import { CandleRepairs } from "@blockchaincore/core/ports/CandleRepairs"
import { CandleStore } from "@blockchaincore/core/ports/CandleStore"
import { EventBus } from "@blockchaincore/core/ports/EventBus"
import { EventHistory } from "@blockchaincore/core/ports/EventHistory"
import { Notifier } from "@blockchaincore/core/ports/Notifier"
import { TradeArchive } from "@blockchaincore/core/ports/TradeArchive"
import { Webhook } from "@blockchaincore/core/ports/Webhook"
import { ExchangeKlines } from "@blockchaincore/core/ports/ExchangeKlines"
import { AnomalySettings } from "@blockchaincore/core/anomaly/AnomalySettings"
import type { Port, PortLayers } from "@blockchaincore/services/consumers/ConsumerDeclaration"
import { REGISTRY } from "@blockchaincore/services/consumers/ConsumerRegistry"

/** Port layers that note which are taken; none is ever built. */
const recording = (taken: Set<Port>): PortLayers => {
  const take = <L>(port: Port, layer: L): L => {
    taken.add(port)
    return layer
  }
  return {
    get AnomalySettings() {
      return take("AnomalySettings", Layer.effect(AnomalySettings, Effect.die("not built")))
    },
    get AlertConditions() {
      return take("AlertConditions", Layer.effect(AlertConditions, Effect.die("not built")))
    },
    get CandleStore() {
      return take("CandleStore", Layer.effect(CandleStore, Effect.die("not built")))
    },
    get CandleRepairs() {
      return take("CandleRepairs", Layer.effect(CandleRepairs, Effect.die("not built")))
    },
    get EventBus() {
      return take("EventBus", Layer.effect(EventBus, Effect.die("not built")))
    },
    get EventHistory() {
      return take("EventHistory", Layer.effect(EventHistory, Effect.die("not built")))
    },
    get ExchangeKlines() {
      return take("ExchangeKlines", Layer.effect(ExchangeKlines, Effect.die("not built")))
    },
    get Notifier() {
      return take("Notifier", Layer.effect(Notifier, Effect.die("not built")))
    },
    get TradeArchive() {
      return take("TradeArchive", Layer.effect(TradeArchive, Effect.die("not built")))
    },
    get Webhook() {
      return take("Webhook", Layer.effect(Webhook, Effect.die("not built")))
    }
  }
}

describe("the consumer registry", () => {
  it("declares exactly the ports each entry's layer takes", () => {
    for (const entry of REGISTRY) {
      const taken = new Set<Port>()
      entry.handlerOn(recording(taken))
      expect([entry.name, [...taken].sort()]).toEqual([entry.name, [...entry.needs].sort()])
    }
  })
})
