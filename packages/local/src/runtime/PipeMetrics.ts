/** The local pipe's and queue's figures as Effect metrics, beside the producer's (producer/metrics/MetricsExport.ts). */
import { Metric } from "effect"

export const batchesProcessed = Metric.counter("blockchaincore_batches_processed_total", { description: "Batches processed into candles", incremental: true })
export const batchFailures = Metric.counter("blockchaincore_batch_failures_total", { description: "Batch processing failures (retried)", incremental: true })
export const queueDepth = Metric.gauge("blockchaincore_queue_depth", { description: "Batches waiting in the trades queue" })
export const consumerFailures = Metric.counter("blockchaincore_consumer_failures_total", {
  description: "Failed deliveries to a consumer, each try counted (a failure is retried, then dropped and logged)",
  incremental: true
})
export const consumerDropped = Metric.counter("blockchaincore_consumer_dropped_total", {
  description: "Events a consumer still failed after its retries",
  incremental: true
})
