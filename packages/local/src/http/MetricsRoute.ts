/**
 * `GET /metrics`: every Effect metric of the runtime in Prometheus's text format. The producer
 * counts in plain fields and exports once a second; a scrape exports first, so it reads the
 * counts of this moment.
 */
import { Effect, Metric } from "effect"
import { HttpRouter, HttpServerResponse } from "effect/http"
import { PrometheusMetrics } from "effect/observability"
import { LocalTradeQueue } from "../sqlite/SqliteTradeQueue.ts"
import { queueDepth } from "../runtime/PipeMetrics.ts"
import { ProducerMonitor } from "../runtime/ProducerMonitor.ts"

export const metricsRoute = HttpRouter.add(
  "GET",
  "/metrics",
  Effect.gen(function* () {
    const monitor = yield* ProducerMonitor
    const queue = yield* LocalTradeQueue
    yield* monitor.exportMetrics
    yield* Metric.update(queueDepth, queue.depth)
    return HttpServerResponse.text(yield* PrometheusMetrics.format(), { contentType: "text/plain; version=0.0.4" })
  })
)
