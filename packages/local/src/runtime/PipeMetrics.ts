/** The local pipe's and queue's figures as Effect metrics, beside the producer's (producer/metrics/MetricsExport.ts). */
import { Metric } from "effect"

export const batchesProcessed = Metric.counter("blockchaincore_batches_processed_total", { description: "Batches processed into candles", incremental: true })
export const batchFailures = Metric.counter("blockchaincore_batch_failures_total", { description: "Batch processing failures (retried)", incremental: true })
export const queueDepth = Metric.gauge("blockchaincore_queue_depth", { description: "Batches waiting in the trades queue" })
