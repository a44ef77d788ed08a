/**
 * The metrics stage: once a second the per-symbol rates are sampled and what was counted since
 * is added to the Effect metrics (rendered by `/metrics`); a malformed frame is logged with a
 * sample, at most one a second, so that a flood cannot drown the log.
 */
import { Clock, Effect, Queue, Schedule } from "effect"
import { oneLine } from "@blockchaincore/core/errors/errorMessage"
import type { Publisher } from "../publish/Publisher.ts"
import { makeMetricsExport } from "./MetricsExport.ts"
import type { MetricsSnapshot, ProducerMetrics } from "./ProducerMetrics.ts"

export const makeSampler = (metrics: ProducerMetrics, publisher: Publisher) => {
  const snapshot = (): MetricsSnapshot => ({
    counters: metrics.counters,
    perSecond: metrics.perSecond(),
    publish: { ...publisher.stats },
    journalSize: publisher.journalSize()
  })
  const exportSnapshot = makeMetricsExport()
  const exportMetrics = Effect.suspend(() => exportSnapshot(snapshot()))
  const sampleEverySecond = Clock.currentTimeMillis.pipe(
    Effect.flatMap((now) => Effect.sync(() => metrics.sample(now))),
    Effect.andThen(exportMetrics),
    Effect.repeat(Schedule.spaced(1000))
  )
  return { snapshot, exportMetrics, sampleEverySecond }
}

export type MalformedSample = { readonly frame: string; readonly reason: string }

export const logMalformedFrames = (samples: Queue.Queue<MalformedSample>, metrics: ProducerMetrics) =>
  Queue.take(samples).pipe(
    Effect.flatMap((m) => Effect.logWarning(`malformed frame (${metrics.counters.framesMalformed} so far): ${oneLine({ message: m.reason })}: ${m.frame}`)),
    Effect.andThen(Effect.sleep(1000)),
    Effect.forever
  )
